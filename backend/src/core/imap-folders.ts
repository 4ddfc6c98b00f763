// How a user's folders are named over IMAP. The six system folders carry
// their RFC 6154 special-use attribute; custom folders are named by their path.
import type { FolderKind } from '../contracts/api.js';
import type { FolderRecord } from '../storage/records.js';

export interface ImapFolder {
  id: number;
  path: string;
  kind: FolderKind;
  /** RFC 6154: \Sent, \Drafts, \Archive, \Junk or \Trash; null for INBOX and custom folders */
  specialUse: string | null;
}

const SPECIAL_USE: Partial<Record<FolderKind, string>> = {
  sent: '\\Sent', drafts: '\\Drafts', archive: '\\Archive', spam: '\\Junk', trash: '\\Trash',
};
// RFC 3501 5.1: INBOX is INBOX in any case; Spam is what clients know as Junk.
const SYSTEM_PATH: Partial<Record<FolderKind, string>> = { inbox: 'INBOX', spam: 'Junk' };

export function toImapFolder(folder: FolderRecord): ImapFolder {
  return { id: folder.id, path: SYSTEM_PATH[folder.kind] ?? folder.name, kind: folder.kind, specialUse: SPECIAL_USE[folder.kind] ?? null };
}

/** The folder a client names: INBOX case-insensitively, the rest exactly. */
export function findByPath(folders: readonly ImapFolder[], path: string): ImapFolder | null {
  const wanted = path.toUpperCase() === 'INBOX' ? 'INBOX' : path;
  return folders.find((f) => f.path === wanted) ?? null;
}
