// The clauses a storage engine applies as ordinary WHERE conditions with
// bound parameters (folder, flags, attachments, dates), gathered from a
// parsed query. The text clauses go to the full-text compilers instead.
import type { SearchQuery } from './search-query.js';

export interface SearchFilters {
  /** in:<name>: the message's folder answers to every one of these, by name or kind (inbox, sent, ...), case-insensitively; empty: any folder */
  folders: readonly string[];
  /** -in:<name>: in none of these (names or kinds, case-insensitive) */
  excludedFolders: readonly string[];
  /** is:read (true) / is:unread (false); null: either */
  isRead: boolean | null;
  /** is:starred / is:unstarred */
  isStarred: boolean | null;
  /** has:attachment / -has:attachment */
  hasAttachments: boolean | null;
  /** after:D: sent at or after D 00:00 UTC */
  sentOnOrAfter: Date | null;
  /** before:D: sent before D 00:00 UTC */
  sentBefore: Date | null;
  /** the clauses contradict each other (is:read is:unread, in:a in:b): nothing can match, skip the query */
  impossible: boolean;
}

export function searchFilters(query: SearchQuery): SearchFilters {
  const f = {
    folders: [] as string[],
    excludedFolders: [] as string[],
    isRead: null as boolean | null,
    isStarred: null as boolean | null,
    hasAttachments: null as boolean | null,
    sentOnOrAfter: null as Date | null,
    sentBefore: null as Date | null,
    impossible: false,
  };
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const setOnce = <K extends 'isRead' | 'isStarred' | 'hasAttachments'>(key: K, value: boolean) => {
    if (f[key] !== null && f[key] !== value) f.impossible = true;
    f[key] = value;
  };
  for (const c of query.clauses) {
    switch (c.kind) {
      case 'folder': {
        // Two different words may still name one folder (in:inbox in:Inbox, or
        // a kind and a name): only the engine knows, so each is a condition.
        const list = c.negated ? f.excludedFolders : f.folders;
        if (!list.some((n) => same(n, c.name))) list.push(c.name);
        break;
      }
      case 'flag':
        setOnce(c.flag === 'read' ? 'isRead' : 'isStarred', c.value);
        break;
      case 'hasAttachment':
        setOnce('hasAttachments', c.value);
        break;
      case 'date': {
        const day = new Date(`${c.date}T00:00:00.000Z`);
        if (c.op === 'before') f.sentBefore = f.sentBefore && f.sentBefore < day ? f.sentBefore : day;
        else f.sentOnOrAfter = f.sentOnOrAfter && f.sentOnOrAfter > day ? f.sentOnOrAfter : day;
        break;
      }
      case 'text':
        break;
    }
  }
  if (f.folders.some((n) => f.excludedFolders.some((x) => same(n, x)))) f.impossible = true;
  if (f.sentBefore && f.sentOnOrAfter && f.sentOnOrAfter >= f.sentBefore) f.impossible = true;
  return f;
}
