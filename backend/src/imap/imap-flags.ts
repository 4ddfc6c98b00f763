// IMAP flags and the store's: \Seen is isRead and \Flagged isStarred (the
// same columns the API and the web inbox change), \Answered, \Draft and
// \Deleted have their own; anything else a client sets is a keyword.
import type { FlagAction, FlagChange, ImapFlagsRecord } from '../core/imap-mailbox.js';

type BooleanFlag = keyof Omit<ImapFlagsRecord, 'keywords'>;

const SYSTEM: ReadonlyArray<[string, BooleanFlag]> = [
  ['\\Seen', 'isRead'], ['\\Flagged', 'isStarred'], ['\\Answered', 'isAnswered'], ['\\Draft', 'isDraft'], ['\\Deleted', 'isDeleted'],
];
const BY_NAME = new Map(SYSTEM.map(([name, key]) => [name.toLowerCase(), key]));

export function toImapFlags(m: ImapFlagsRecord): string[] {
  return [...SYSTEM.filter(([, key]) => m[key]).map(([name]) => name), ...m.keywords];
}

/** A client's flag list as a change; \Recent and unknown system flags (RFC 3501 2.3.2) are dropped. */
export function toFlagChange(action: FlagAction, flags: readonly string[], unchangedSince?: number): FlagChange {
  const change: FlagChange = { action, flags: {}, keywords: [], ...(unchangedSince ? { unchangedSince } : {}) };
  for (const flag of flags) {
    const key = BY_NAME.get(flag.toLowerCase());
    if (key) change.flags[key] = true;
    else if (!flag.startsWith('\\')) change.keywords.push(flag);
  }
  return change;
}

/** APPEND's flags as the columns a new message has. */
export function appendFlags(flags: readonly string[]): { isRead: boolean; isStarred: boolean; isDraft: boolean } {
  const { flags: f } = toFlagChange('set', flags);
  return { isRead: !!f.isRead, isStarred: !!f.isStarred, isDraft: !!f.isDraft };
}
