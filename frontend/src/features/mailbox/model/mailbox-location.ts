// Where the inbox is, as an address: /mail/<folder> and /mail/<folder>/<thread>.
// <folder> is the kind for the system folders (/mail/inbox, /mail/sent: the
// same for every user, readable, and stable across databases) and the id for
// custom folders (their names change with a rename, their ids never do).
// <thread> is the thread id. Pure, so the routes are tested apart from React.
import type { FolderDto, FolderKind } from '@contracts/api';

export type SystemKind = Exclude<FolderKind, 'custom'>;
export type FolderKey = { kind: SystemKind } | { id: number };

export const MAIL_ROOT = '/mail';
export const SYSTEM_KINDS: readonly SystemKind[] = ['inbox', 'sent', 'drafts', 'archive', 'spam', 'trash'];
export const DEFAULT_MAILBOX_PATH = `${MAIL_ROOT}/inbox`;

export function folderSegment(folder: Pick<FolderDto, 'id' | 'kind'>): string {
  return folder.kind === 'custom' ? String(folder.id) : folder.kind;
}

export function parseFolderSegment(segment: string | undefined): FolderKey | null {
  if (!segment) return null;
  const kind = SYSTEM_KINDS.find((k) => k === segment.toLowerCase());
  if (kind) return { kind };
  const id = positiveInt(segment);
  return id === null ? null : { id };
}

export function parseThreadSegment(segment: string | undefined): number | null {
  return segment === undefined ? null : positiveInt(segment);
}

/** The folder a key names; a system folder may also be named by its id (an old link). */
export function findFolder(folders: readonly FolderDto[], key: FolderKey | null): FolderDto | undefined {
  if (!key) return undefined;
  return 'kind' in key ? folders.find((f) => f.kind === key.kind) : folders.find((f) => f.id === key.id);
}

export function mailboxPath(folder: Pick<FolderDto, 'id' | 'kind'>, threadId: number | null = null): string {
  const base = `${MAIL_ROOT}/${folderSegment(folder)}`;
  return threadId === null ? base : `${base}/${threadId}`;
}

/** The list of the folder a key names, before the folders are loaded (the route then canonicalises it). */
export function keyPath(key: FolderKey): string {
  return `${MAIL_ROOT}/${'kind' in key ? key.kind : key.id}`;
}

function positiveInt(text: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
