// A change of flags (read, starred) to messages that stay in their folders,
// as prepared statements in one synchronous transaction: a thread of 50
// marked read is a handful of statements and one commit, where the Prisma
// repositories' path (prisma/message-repo.ts, kept for moves) compiled and
// ran a dozen queries. Same result: one new MODSEQ per folder touched, raised
// on every message named, and each (thread, folder) summary and folder
// counter moved to what the messages now hold.
import type BetterSqlite3 from 'better-sqlite3';
import type { MessageChange } from '../mail-store.js';
import { distinctKeys, type SummaryKey } from '../thread-summary.js';
import { idChunks } from '../prisma/id-chunks.js';
import { preparedOn } from './prepared.js';
import { summaryRefresh } from './summary-sql.js';

type Sqlite = BetterSqlite3.Database;

export const FLAG_SQL = {
  // The rows a change names: by primary key (json_each keeps one statement for any number of ids).
  named: `SELECT id, folder_id AS folderId, thread_id AS threadId FROM mail_messages
    WHERE id IN (SELECT value FROM json_each(?)) AND user_id = ?`,
  nextModseq: 'UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq AS modseq',
  // NULL leaves a flag as it is.
  setFlags: `UPDATE mail_messages SET is_read = coalesce(?, is_read), is_starred = coalesce(?, is_starred), modseq = ?
    WHERE id IN (SELECT value FROM json_each(?))`,
  // A flag change moves only these two counts of a summary: recounted by the thread index in one query.
  flagCounts: `SELECT count(*) AS total, coalesce(sum(is_read = 0), 0) AS unread, coalesce(sum(is_starred <> 0), 0) AS starred
    FROM mail_messages WHERE thread_id = ? AND folder_id = ?`,
  summaryCounts: `SELECT message_count AS total, unread_count AS unread, starred_count AS starred
    FROM thread_summaries WHERE folder_id = ? AND thread_id = ?`,
  setSummaryCounts: 'UPDATE thread_summaries SET unread_count = ?, starred_count = ? WHERE folder_id = ? AND thread_id = ?',
  addUnread: 'UPDATE folders SET unread_count = unread_count + ? WHERE id = ?',
} as const;

const statements = preparedOn(FLAG_SQL);

interface Counts {
  total: number;
  unread: number;
  starred: number;
}

/** Sets the flags of the user's messages among `ids`; call inside a write transaction. */
export function changeFlags(db: Sqlite, userId: number, ids: readonly number[], flags: Omit<MessageChange, 'folderId'>): void {
  const st = statements(db);
  const rows: Array<{ id: number; folderId: number; threadId: number }> = [];
  for (const chunk of idChunks(ids)) rows.push(...(st.named.all(JSON.stringify(chunk), userId) as typeof rows));
  const isRead = flags.isRead === undefined ? null : Number(flags.isRead);
  const isStarred = flags.isStarred === undefined ? null : Number(flags.isStarred);
  for (const folderId of new Set(rows.map((r) => r.folderId))) {
    const { modseq } = st.nextModseq.get(folderId) as { modseq: number };
    const inFolder = rows.filter((r) => r.folderId === folderId).map((r) => r.id);
    for (const chunk of idChunks(inFolder)) st.setFlags.run(isRead, isStarred, modseq, JSON.stringify(chunk));
  }
  recountFlags(db, distinctKeys(rows));
}

/**
 * The unread and starred counts of these summaries, and the folders' unread
 * counters by the difference. A summary that is missing or counts other
 * messages than the thread has there is recounted whole.
 */
function recountFlags(db: Sqlite, keys: readonly SummaryKey[]): void {
  const st = statements(db);
  for (const key of keys) {
    const now = st.flagCounts.get(key.threadId, key.folderId) as Counts;
    const before = st.summaryCounts.get(key.folderId, key.threadId) as Counts | undefined;
    if (!before || before.total !== now.total) {
      summaryRefresh(db, [key]);
      continue;
    }
    if (before.unread === now.unread && before.starred === now.starred) continue;
    st.setSummaryCounts.run(now.unread, now.starred, key.folderId, key.threadId);
    if (now.unread !== before.unread) st.addUnread.run(now.unread - before.unread, key.folderId);
  }
}
