// Thread summaries and folder counters on the SQLite engine's own connections
// (the ingest worker's group commit, the start-up backfill): prepared
// statements, called inside the transaction that changes the messages.
import type BetterSqlite3 from 'better-sqlite3';
import {
  addToSummary,
  countsDelta,
  summarize,
  type SummaryKey,
  type SummaryRow,
  type SummarySource,
} from '../thread-summary.js';
import { preparedOn } from './prepared.js';
import { sqliteTime } from './sqlite-time.js';

type Sqlite = BetterSqlite3.Database;

const SOURCE_COLUMNS = `id, user_id AS userId, folder_id AS folderId, thread_id AS threadId, from_email AS fromEmail,
  from_name AS fromName, to_json AS toJson, subject, snippet, is_read AS isRead, is_starred AS isStarred,
  has_attachments AS hasAttachments, created_at AS createdAt`;

export const SUMMARY_SQL = {
  get: `SELECT folder_id AS folderId, thread_id AS threadId, user_id AS userId, subject, last_message_at AS lastMessageAt,
      last_message_id AS lastMessageId, message_count AS messageCount, unread_count AS unreadCount,
      starred_count AS starredCount, attachment_count AS attachmentCount, snippet, participants, recipients
    FROM thread_summaries WHERE folder_id = ? AND thread_id = ?`,
  put: `INSERT INTO thread_summaries (folder_id, thread_id, user_id, subject, last_message_at, last_message_id,
      message_count, unread_count, starred_count, attachment_count, snippet, participants, recipients)
    VALUES (@folderId, @threadId, @userId, @subject, @lastMessageAt, @lastMessageId, @messageCount, @unreadCount,
      @starredCount, @attachmentCount, @snippet, @participants, @recipients)
    ON CONFLICT (folder_id, thread_id) DO UPDATE SET subject = excluded.subject,
      last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id,
      message_count = excluded.message_count, unread_count = excluded.unread_count,
      starred_count = excluded.starred_count, attachment_count = excluded.attachment_count,
      snippet = excluded.snippet, participants = excluded.participants, recipients = excluded.recipients`,
  remove: `DELETE FROM thread_summaries WHERE folder_id = ? AND thread_id = ?`,
  foldersOfThread: `SELECT folder_id AS folderId FROM thread_summaries WHERE thread_id = ?`,
  threadSubject: `SELECT subject FROM mail_threads WHERE id = ?`,
  messages: `SELECT ${SOURCE_COLUMNS} FROM mail_messages WHERE thread_id = ? AND folder_id = ?`,
  addCounts: `UPDATE folders SET total_count = total_count + ?, unread_count = unread_count + ? WHERE id = ?`,
} as const;

const statements = preparedOn(SUMMARY_SQL);
type Statements = ReturnType<typeof statements>;

/**
 * A new message, the newest by id in its thread: its summary and folder
 * counters, incrementally. threadSubject: given for a thread this transaction
 * has just made (its ids are never reused, so it has no summary to read yet);
 * null to read the thread's.
 */
export function summaryAdd(db: Sqlite, m: SummarySource, threadSubject: string | null): void {
  const st = statements(db);
  const before = threadSubject === null ? readRow(st, m.folderId, m.threadId) : null;
  const subject = threadSubject ?? ((st.threadSubject.get(m.threadId) as { subject: string } | undefined)?.subject ?? '');
  save(st, before, addToSummary(before, subject, m));
}

/** Recounts these (thread, folder) summaries from their messages, moving the folder counters by the difference. */
export function summaryRefresh(db: Sqlite, keys: readonly SummaryKey[]): void {
  const st = statements(db);
  for (const { threadId, folderId } of keys) {
    const before = readRow(st, folderId, threadId);
    const subject = (st.threadSubject.get(threadId) as { subject: string } | undefined)?.subject ?? '';
    const rows = st.messages.all(threadId, folderId) as RawSource[];
    const after = summarize(subject, rows.map(toSource));
    if (after) save(st, before, after);
    else if (before) {
      st.remove.run(folderId, threadId);
      addCounts(st, folderId, countsDelta(before, null));
    }
  }
}

/** The folders that list this thread. */
export function summaryFolders(db: Sqlite, threadId: number): number[] {
  return (statements(db).foldersOfThread.all(threadId) as Array<{ folderId: number }>).map((r) => r.folderId);
}

type RawRow = Omit<SummaryRow, 'lastMessageAt'> & { lastMessageAt: string };
type RawSource = Omit<SummarySource, 'createdAt' | 'isRead' | 'isStarred' | 'hasAttachments'> & {
  createdAt: string;
  isRead: number;
  isStarred: number;
  hasAttachments: number;
};

function readRow(st: Statements, folderId: number, threadId: number): SummaryRow | null {
  const r = st.get.get(folderId, threadId) as RawRow | undefined;
  return r ? { ...r, lastMessageAt: new Date(r.lastMessageAt) } : null;
}

function save(st: Statements, before: SummaryRow | null, after: SummaryRow): void {
  st.put.run({ ...after, lastMessageAt: sqliteTime(after.lastMessageAt) });
  addCounts(st, after.folderId, countsDelta(before, after));
}

function addCounts(st: Statements, folderId: number, delta: { total: number; unread: number }): void {
  if (delta.total !== 0 || delta.unread !== 0) st.addCounts.run(delta.total, delta.unread, folderId);
}

export function toSource(r: RawSource): SummarySource {
  return { ...r, createdAt: new Date(r.createdAt), isRead: r.isRead === 1, isStarred: r.isStarred === 1, hasAttachments: r.hasAttachments === 1 };
}
