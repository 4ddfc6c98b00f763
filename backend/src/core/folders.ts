// Custom folders, one set for the API, the web inbox and IMAP: created,
// renamed and deleted by their owner; the six system folders stay as they are.
// A name is a path: "Projects/2026" is nested in "Projects" (IMAP's hierarchy
// delimiter is "/").
import { conflict, invalid, notFound } from '../shared/app-error.js';
import { DuplicateKey, type MailStore } from '../storage/mail-store.js';
import type { FolderRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';

export interface FolderDeps {
  store: Pick<MailStore, 'folders'>;
  events: EventBus;
}

export const MAX_FOLDER_NAME = 200;
/** Names IMAP gives system folders (imap-folders.ts): a custom folder cannot take them, in any case. */
const RESERVED = new Set(['inbox', 'sent', 'drafts', 'archive', 'junk', 'spam', 'trash']);

export async function createFolder(deps: FolderDeps, userId: number, name: string): Promise<FolderRecord> {
  const clean = checkName(name);
  const folder = await unique(clean, () => deps.store.folders.create(userId, clean));
  deps.events.publish('folders.changed', { userId });
  return folder;
}

export async function renameFolder(deps: FolderDeps, userId: number, folderId: number, name: string): Promise<FolderRecord> {
  const clean = checkName(name);
  await customFolder(deps, userId, folderId);
  const folder = await unique(clean, () => deps.store.folders.rename(userId, folderId, clean));
  if (!folder) throw notFound('folder');
  deps.events.publish('folders.changed', { userId });
  return folder;
}

/** Its mail goes to Trash (contract); a folder with folders nested in it stays until they are gone. */
export async function deleteFolder(deps: FolderDeps, userId: number, folderId: number): Promise<void> {
  const folder = await customFolder(deps, userId, folderId);
  const all = await deps.store.folders.listWithCounts(userId);
  if (all.some((f) => f.name.startsWith(`${folder.name}/`))) {
    throw conflict('folder_has_children', `${folder.name} has folders in it: delete those first`);
  }
  const trash = all.find((f) => f.kind === 'trash');
  if (!trash) throw notFound('trash folder');
  if (!(await deps.store.folders.remove(userId, folderId, trash.id))) throw notFound('folder');
  deps.events.publish('folders.changed', { userId });
}

async function customFolder(deps: FolderDeps, userId: number, folderId: number): Promise<FolderRecord> {
  const folder = await deps.store.folders.findOwned(userId, folderId);
  if (!folder) throw notFound('folder');
  if (folder.kind !== 'custom') throw conflict('system_folder', `${folder.name} is a system folder: it cannot be renamed or deleted`);
  return folder;
}

/** A path of non-empty segments of printable text; system names are taken. */
function checkName(name: string): string {
  const clean = name.normalize('NFC').trim();
  const segments = clean.split('/');
  if (!clean || clean.length > MAX_FOLDER_NAME || segments.some((s) => s.trim() === '')) {
    throw invalid('invalid_folder_name', `a folder name is 1-${MAX_FOLDER_NAME} characters, with no empty part between slashes`);
  }
  // Control characters would break IMAP's quoted strings and the sidebar alike; * and % are LIST wildcards.
  if (/[\p{Cc}*%]/u.test(clean)) throw invalid('invalid_folder_name', 'a folder name has no control characters, * or %');
  if (RESERVED.has(segments[0]!.toLowerCase()) && segments.length === 1) {
    throw conflict('folder_exists', `${clean} is a system folder's name`);
  }
  return clean;
}

async function unique<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof DuplicateKey) throw conflict('folder_exists', `a folder named ${name} exists`);
    throw err;
  }
}
