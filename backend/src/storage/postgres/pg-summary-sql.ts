// Thread summaries and folder counters on the PostgreSQL hot path: named
// statements run inside the delivery's transaction, the row computed by
// storage/thread-summary.ts exactly as the SQLite engine (sqlite/summary-sql.ts)
// and the Prisma repositories (prisma/summary-refresh.ts) compute it.
import type pg from 'pg';
import { textValue } from './pg-text.js';
import { addToSummary, countsDelta, summarize, type SummaryKey, type SummaryRow, type SummarySource } from '../thread-summary.js';

const SOURCE_COLUMNS = `id, user_id AS "userId", folder_id AS "folderId", thread_id AS "threadId", from_email AS "fromEmail",
  from_name AS "fromName", to_json AS "toJson", subject, snippet, is_read AS "isRead", is_starred AS "isStarred",
  has_attachments AS "hasAttachments", created_at AS "createdAt"`;

export const PG_SUMMARY_SQL = {
  // FOR UPDATE: two batches adding to one thread (two instances) take turns on its row.
  get: `SELECT folder_id AS "folderId", thread_id AS "threadId", user_id AS "userId", subject,
      last_message_at AS "lastMessageAt", last_message_id AS "lastMessageId", message_count AS "messageCount",
      unread_count AS "unreadCount", starred_count AS "starredCount", attachment_count AS "attachmentCount",
      snippet, participants, recipients
    FROM thread_summaries WHERE folder_id = $1 AND thread_id = $2 FOR UPDATE`,
  put: `INSERT INTO thread_summaries (folder_id, thread_id, user_id, subject, last_message_at, last_message_id,
      message_count, unread_count, starred_count, attachment_count, snippet, participants, recipients)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
    ON CONFLICT (folder_id, thread_id) DO UPDATE SET subject = excluded.subject,
      last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id,
      message_count = excluded.message_count, unread_count = excluded.unread_count,
      starred_count = excluded.starred_count, attachment_count = excluded.attachment_count,
      snippet = excluded.snippet, participants = excluded.participants, recipients = excluded.recipients`,
  remove: `DELETE FROM thread_summaries WHERE folder_id = $1 AND thread_id = $2`,
  threadSubject: `SELECT subject FROM mail_threads WHERE id = $1`,
  messages: `SELECT ${SOURCE_COLUMNS} FROM mail_messages WHERE thread_id = $1 AND folder_id = $2`,
  addCounts: `UPDATE folders SET total_count = total_count + $1, unread_count = unread_count + $2 WHERE id = $3`,
} as const;

type Name = keyof typeof PG_SUMMARY_SQL;

function run<R extends pg.QueryResultRow>(client: pg.ClientBase, name: Name, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `chitbox_summary_${name}`, text: PG_SUMMARY_SQL[name], values: values.map(textValue) });
}

/** A new message, the newest by id in its thread: its summary and folder counters, incrementally. */
export async function pgSummaryAdd(client: pg.ClientBase, m: SummarySource, threadSubject: string | null): Promise<void> {
  const before = await readRow(client, m.folderId, m.threadId);
  const subject = threadSubject ?? (await subjectOf(client, m.threadId));
  await save(client, before, addToSummary(before, subject, m));
}

/** Recounts these (thread, folder) summaries from their messages, moving the folder counters by the difference. */
export async function pgSummaryRefresh(client: pg.ClientBase, keys: readonly SummaryKey[]): Promise<void> {
  for (const { threadId, folderId } of keys) {
    const before = await readRow(client, folderId, threadId);
    const subject = await subjectOf(client, threadId);
    const { rows } = await run<SummarySource>(client, 'messages', [threadId, folderId]);
    const after = summarize(subject, rows);
    if (after) await save(client, before, after);
    else if (before) {
      await run(client, 'remove', [folderId, threadId]);
      await addCounts(client, folderId, countsDelta(before, null));
    }
  }
}

async function subjectOf(client: pg.ClientBase, threadId: number): Promise<string> {
  const { rows } = await run<{ subject: string }>(client, 'threadSubject', [threadId]);
  return rows[0]?.subject ?? '';
}

async function readRow(client: pg.ClientBase, folderId: number, threadId: number): Promise<SummaryRow | null> {
  const { rows } = await run<SummaryRow>(client, 'get', [folderId, threadId]);
  return rows[0] ?? null;
}

async function save(client: pg.ClientBase, before: SummaryRow | null, r: SummaryRow): Promise<void> {
  await run(client, 'put', [
    r.folderId, r.threadId, r.userId, r.subject, r.lastMessageAt, r.lastMessageId,
    r.messageCount, r.unreadCount, r.starredCount, r.attachmentCount, r.snippet, r.participants, r.recipients,
  ]);
  await addCounts(client, r.folderId, countsDelta(before, r));
}

async function addCounts(client: pg.ClientBase, folderId: number, delta: { total: number; unread: number }): Promise<void> {
  if (delta.total !== 0 || delta.unread !== 0) await run(client, 'addCounts', [delta.total, delta.unread, folderId]);
}
