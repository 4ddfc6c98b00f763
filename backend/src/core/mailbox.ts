// Reading and organising a user's mail. Every call takes the owner's id and
// answers not-found for anything that is not theirs.
import { Readable } from 'node:stream';
import { invalid, notFound } from '../shared/app-error.js';
import { decodeCursor } from '../storage/cursor.js';
import type { MailStore, MessageChange } from '../storage/mail-store.js';
import type {
  AttachmentRecord,
  FolderRecord,
  FolderWithCounts,
  MessageRecord,
  MessageSummaryRecord,
  Page,
  ThreadSummaryRecord,
} from '../storage/records.js';
import type { FolderKind } from '../contracts/api.js';
import type { EventBus } from './event-bus.js';

export type { MessageChange };

export interface MailboxDeps {
  store: Pick<MailStore, 'folders' | 'messages' | 'blobs'>;
  events: EventBus;
}

/**
 * A folder by id, or a system folder by its kind: the web inbox asks for
 * /mail/inbox's first page at once, before it knows the Inbox's id.
 */
export type FolderRef = number | Exclude<FolderKind, 'custom'>;

export interface PageRequest {
  limit: number;
  cursor: string | null;
}

export function listFolders(deps: MailboxDeps, userId: number): Promise<FolderWithCounts[]> {
  return deps.store.folders.listWithCounts(userId);
}

export async function ownedFolder(deps: MailboxDeps, userId: number, folderId: number): Promise<FolderRecord> {
  const folder = await deps.store.folders.findOwned(userId, folderId);
  if (!folder) throw notFound('folder');
  return folder;
}

async function folderByRef(deps: MailboxDeps, userId: number, ref: FolderRef): Promise<FolderRecord> {
  if (typeof ref === 'number') return ownedFolder(deps, userId, ref);
  const folder = await deps.store.folders.findByKind(userId, ref);
  if (!folder) throw notFound('folder');
  return folder;
}

/** A folder's messages, newest first. */
export async function listMessages(deps: MailboxDeps, userId: number, ref: FolderRef, page: PageRequest): Promise<Page<MessageSummaryRecord>> {
  checkCursor(page.cursor);
  const folder = await folderByRef(deps, userId, ref);
  return deps.store.messages.listInFolder(userId, folder.id, page.limit, page.cursor);
}

/** A folder's conversations, the one with the newest message first. */
export async function listThreads(deps: MailboxDeps, userId: number, ref: FolderRef, page: PageRequest): Promise<Page<ThreadSummaryRecord>> {
  checkCursor(page.cursor);
  const folder = await folderByRef(deps, userId, ref);
  return deps.store.messages.listThreadsInFolder(userId, folder.id, page.limit, page.cursor);
}

export async function getMessage(deps: MailboxDeps, userId: number, id: number): Promise<MessageRecord> {
  const message = await deps.store.messages.get(userId, id);
  if (!message) throw notFound('message');
  return message;
}

export async function getThread(deps: MailboxDeps, userId: number, threadId: number): Promise<MessageRecord[]> {
  const messages = await deps.store.messages.listThread(userId, threadId);
  if (messages.length === 0) throw notFound('thread');
  return messages;
}

/** The thread's messages, or (with folderId) only those in that folder: an action on what the user is looking at. */
export async function threadInFolder(deps: MailboxDeps, userId: number, threadId: number, folderId?: number): Promise<MessageRecord[]> {
  const messages = await getThread(deps, userId, threadId);
  if (folderId === undefined) return messages;
  const inFolder = messages.filter((m) => m.folderId === folderId);
  if (inFolder.length === 0) throw notFound('thread');
  return inFolder;
}

/** The raw message as stored: our trace header, then the DATA bytes, read as they are sent. */
export async function getRaw(deps: MailboxDeps, userId: number, id: number): Promise<Readable> {
  const m = await getMessage(deps, userId, id);
  const body = await deps.store.blobs.open(m.rawSha256);
  return Readable.from(withHeader(Buffer.from(m.receivedHeader, 'latin1'), body));
}

async function* withHeader(header: Buffer, body: Readable): AsyncGenerator<Buffer> {
  yield header;
  yield* body;
}

/** An attachment's record and its bytes, read as they are sent. */
export async function getAttachment(
  deps: MailboxDeps, userId: number, id: number,
): Promise<{ attachment: AttachmentRecord; content: Readable }> {
  const attachment = await deps.store.messages.getAttachment(userId, id);
  if (!attachment) throw notFound('attachment');
  return { attachment, content: await deps.store.blobs.open(attachment.sha256) };
}

/** Applies a change to messages of one owner and tells their other tabs. */
export async function changeMessages(
  deps: MailboxDeps, userId: number, before: MessageRecord[], change: MessageChange,
): Promise<MessageRecord[]> {
  if (change.folderId !== undefined) await ownedFolder(deps, userId, change.folderId);
  if (change.isRead === undefined && change.isStarred === undefined && change.folderId === undefined) {
    throw invalid('empty_change', 'nothing to change: give isRead, isStarred or folderId');
  }
  await deps.store.messages.update(userId, before.map((m) => m.id), change);
  const after = before.map((m) => ({ ...m, ...definedOnly(change) }));
  deps.events.publish('messages.updated', { userId, updates: after.map((message, i) => ({ message, previousFolderId: before[i]!.folderId })) });
  return after;
}

/** Moves messages to Trash; those already in Trash are deleted for good. */
export async function deleteMessages(deps: MailboxDeps, userId: number, messages: MessageRecord[]): Promise<void> {
  const trash = await deps.store.folders.findByKind(userId, 'trash');
  if (!trash) throw notFound('trash folder');
  const inTrash = messages.filter((m) => m.folderId === trash.id);
  const elsewhere = messages.filter((m) => m.folderId !== trash.id);
  if (elsewhere.length > 0) await changeMessages(deps, userId, elsewhere, { folderId: trash.id });
  if (inTrash.length === 0) return;
  await deps.store.messages.deleteForGood(userId, inTrash.map((m) => m.id));
  for (const m of inTrash) deps.events.publish('message.deleted', { userId, id: m.id, threadId: m.threadId, folderId: m.folderId });
}

function checkCursor(cursor: string | null): void {
  if (cursor && !decodeCursor(cursor)) throw invalid('invalid_cursor', 'cursor is not one this server issued');
}

function definedOnly(change: MessageChange): MessageChange {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as MessageChange;
}
