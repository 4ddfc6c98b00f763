// Reading and organising a user's mail. Every call takes the owner's id and
// answers not-found for anything that is not theirs.
import { notFound, invalid } from '../shared/app-error.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { FolderRepo } from '../storage/folder-repo.js';
import type { MessageRepo } from '../storage/message-repo.js';
import type { AttachmentRecord, MessageRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';

export interface MailboxDeps {
  folders: FolderRepo;
  messages: MessageRepo;
  blobs: BlobStore;
  events: EventBus;
}

export interface MessageChange {
  isRead?: boolean;
  isStarred?: boolean;
  folderId?: number;
}

export async function ownedFolder(deps: MailboxDeps, userId: number, folderId: number) {
  const folder = await deps.folders.findOwned(userId, folderId);
  if (!folder) throw notFound('folder');
  return folder;
}

export async function getMessage(deps: MailboxDeps, userId: number, id: number): Promise<MessageRecord> {
  const message = await deps.messages.get(userId, id);
  if (!message) throw notFound('message');
  return message;
}

export async function getThread(deps: MailboxDeps, userId: number, threadId: number): Promise<MessageRecord[]> {
  const messages = await deps.messages.listThread(userId, threadId);
  if (messages.length === 0) throw notFound('thread');
  return messages;
}

/** The raw message as stored: our trace header, then the DATA bytes. */
export async function getRaw(deps: MailboxDeps, userId: number, id: number): Promise<Buffer> {
  const m = await getMessage(deps, userId, id);
  return Buffer.concat([Buffer.from(m.receivedHeader, 'latin1'), await deps.blobs.read(m.rawSha256)]);
}

export async function getAttachment(
  deps: MailboxDeps, userId: number, id: number,
): Promise<{ attachment: AttachmentRecord; content: Buffer }> {
  const attachment = await deps.messages.getAttachment(userId, id);
  if (!attachment) throw notFound('attachment');
  return { attachment, content: await deps.blobs.read(attachment.sha256) };
}

/** Applies a change to messages of one owner and tells their other tabs. */
export async function changeMessages(
  deps: MailboxDeps, userId: number, before: MessageRecord[], change: MessageChange,
): Promise<MessageRecord[]> {
  if (change.folderId !== undefined) await ownedFolder(deps, userId, change.folderId);
  if (change.isRead === undefined && change.isStarred === undefined && change.folderId === undefined) {
    throw invalid('empty_change', 'nothing to change: give isRead, isStarred or folderId');
  }
  await deps.messages.update(userId, before.map((m) => m.id), change);
  const after = before.map((m) => ({ ...m, ...definedOnly(change) }));
  for (let i = 0; i < after.length; i++) {
    deps.events.publish('message.updated', { userId, message: after[i]!, previousFolderId: before[i]!.folderId });
  }
  return after;
}

/** Moves messages to Trash; those already in Trash are deleted for good. */
export async function deleteMessages(deps: MailboxDeps, userId: number, messages: MessageRecord[]): Promise<void> {
  const trash = await deps.folders.findByKind(userId, 'trash');
  if (!trash) throw notFound('trash folder');
  const inTrash = messages.filter((m) => m.folderId === trash.id);
  const elsewhere = messages.filter((m) => m.folderId !== trash.id);
  if (elsewhere.length > 0) await changeMessages(deps, userId, elsewhere, { folderId: trash.id });
  if (inTrash.length === 0) return;
  await deps.blobs.removeUnreferenced(await deps.messages.deleteForGood(userId, inTrash.map((m) => m.id)));
  for (const m of inTrash) deps.events.publish('message.deleted', { userId, id: m.id, threadId: m.threadId, folderId: m.folderId });
}

function definedOnly(change: MessageChange): MessageChange {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as MessageChange;
}
