// Writing messages on PostgreSQL copy by copy, as named (prepared once per
// connection) statements through `pg`: the rules of a delivery's rows
// (threads, merges, UIDs, usage, summaries). A batch goes through
// pg-batch-delivery.ts, the same rows in a few set-based statements; this
// path runs a batch in which a copy merges threads. Every statement here is
// prepared against a freshly migrated database by a test
// (backend/test/storage/postgres/pg-statements.test.ts).
import type pg from 'pg';
import { threadCandidates, type NewMessageCopy, type NewOutbound, type StoredCopy } from '../delivery-rows.js';
import { QuotaExceeded } from '../mail-store.js';
import { messageReceivedData, webhookBody } from '../webhook-payload.js';
import { blobChunks, type BlobBytes } from './pg-blob-keys.js';
import { PG_SEARCH_SQL } from './pg-search-sql.js';
import { pgSummaryAdd, pgSummaryRefresh } from './pg-summary-sql.js';
import { textValue } from './pg-text.js';

export const PG_DELIVERY_SQL = {
  // For each candidate (in their order) that names one of the user's messages, that message's thread.
  threadsOf: `SELECT m.thread_id FROM unnest($2::text[]) WITH ORDINALITY AS r(ref, i)
    CROSS JOIN LATERAL (SELECT thread_id FROM mail_messages WHERE user_id = $1 AND message_id = r.ref ORDER BY id DESC LIMIT 1) m
    ORDER BY r.i`,
  childThreads: `SELECT DISTINCT thread_id FROM mail_messages WHERE user_id = $1 AND in_reply_to = $2`,
  threadLastAt: `SELECT last_message_at FROM mail_threads WHERE id = $1`,
  threadFolders: `SELECT DISTINCT folder_id FROM mail_messages WHERE thread_id = $1`,
  moveThread: `UPDATE mail_messages SET thread_id = $1 WHERE user_id = $2 AND thread_id = $3`,
  dropThread: `DELETE FROM mail_threads WHERE id = $1`,
  newThread: `INSERT INTO mail_threads (user_id, subject, last_message_at, created_at) VALUES ($1, $2, $3, $3) RETURNING id`,
  touchThread: `UPDATE mail_threads SET last_message_at = $1 WHERE id = $2 AND last_message_at < $1`,
  // RFC 3501 2.3.1.1: UIDs strictly ascend in a folder; the counter moves in the same transaction as the row.
  claimUid: `UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1
    WHERE id = $1 AND user_id = $2 RETURNING uid_next - 1 AS uid, highest_modseq AS modseq`,
  newMessage: `INSERT INTO mail_messages (user_id, folder_id, thread_id, message_id, in_reply_to, "references",
      from_email, from_name, to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred,
      has_attachments, sent_at, created_at, received_header, raw_sha256, size_bytes, uid, modseq, is_draft)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
    RETURNING id`,
  newAttachment: `INSERT INTO attachments (message_id, user_id, filename, content_type, size, content_id, sha256)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
  // Usage moves with the row it counts, under the user row's lock: two
  // deliveries (on two instances, say) cannot both squeeze into the last free bytes.
  addUsage: `UPDATE users SET used_bytes = used_bytes + $1 WHERE id = $2 RETURNING used_bytes`,
  newWebhook: `INSERT INTO webhook_outbox (event, payload, status, attempts, next_attempt_at, created_at)
    VALUES ($1, $2, 'pending', 0, $3, $3)`,
  newOutbound: `INSERT INTO outbound_queue (user_id, mail_from, recipients, raw_sha256, size_bytes, status, attempts,
      next_attempt_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6) RETURNING id`,
  newChunk: `INSERT INTO blob_chunks (sha256, seq, data) VALUES ($1, $2, $3) ON CONFLICT (sha256, seq) DO NOTHING`,
  indexMessage: PG_SEARCH_SQL.index,
} as const;

type Name = keyof typeof PG_DELIVERY_SQL;

/** A named statement: pg prepares it once per connection, then only binds. */
function run<R extends pg.QueryResultRow>(client: pg.ClientBase, name: Name, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `chitbox_${name}`, text: PG_DELIVERY_SQL[name], values: values.map(textValue) });
}

export interface PgDeliveryRows {
  copies: NewMessageCopy[];
  /** every blob the copies and the queue row name, stored in the same transaction */
  blobs: BlobBytes[];
  outbound: NewOutbound | null;
  /** the message's tsvector literal (pg-search.ts pgSearchRow), the same for every copy; null: left to the backfill */
  tsv: string | null;
}

export interface PgCommittedRows {
  copies: StoredCopy[];
  outboundId: number | null;
}

/** One delivery's rows; call inside the batch's transaction, after its blob locks (beginBatch). */
export async function insertDelivery(client: pg.ClientBase, d: PgDeliveryRows, now: Date): Promise<PgCommittedRows> {
  for (const blob of d.blobs) await insertBlob(client, blob);
  const copies: StoredCopy[] = [];
  for (const c of d.copies) copies.push(await insertCopy(client, c, d.tsv));
  const outboundId = d.outbound ? await insertOutbound(client, d.outbound, now) : null;
  return { copies, outboundId };
}

/** The same bytes under the same name: a chunk already there is kept. */
async function insertBlob(client: pg.ClientBase, blob: BlobBytes): Promise<void> {
  let seq = 0;
  for (const chunk of blobChunks(blob.bytes)) await run(client, 'newChunk', [blob.sha256, seq++, chunk]);
}

async function insertCopy(client: pg.ClientBase, c: NewMessageCopy, tsv: string | null): Promise<StoredCopy> {
  await addUsage(client, c);
  const { threadId, subject } = await threadFor(client, c);
  const place = (await run<{ uid: number; modseq: number }>(client, 'claimUid', [c.folderId, c.userId])).rows[0];
  if (!place) throw new Error(`folder ${c.folderId} is not user ${c.userId}'s`);
  const hasAttachments = c.attachments.length > 0;
  const { rows } = await run<{ id: number }>(client, 'newMessage', [
    c.userId, c.folderId, threadId, c.messageId, c.inReplyTo, JSON.stringify(c.references),
    c.fromEmail, c.fromName, JSON.stringify(c.to), JSON.stringify(c.cc), c.subject, c.snippet,
    c.bodyText, c.untrustedHtml, c.isRead, c.isStarred ?? false, hasAttachments,
    c.sentAt, c.createdAt, c.receivedHeader, c.rawSha256, c.sizeBytes, place.uid, place.modseq, c.isDraft === true,
  ]);
  const id = rows[0]!.id;
  const attachments = [];
  for (const a of c.attachments) {
    const r = await run<{ id: number }>(client, 'newAttachment', [id, c.userId, a.filename, a.contentType, a.size, a.contentId, a.sha256]);
    attachments.push({ ...a, messageId: id, id: r.rows[0]!.id });
  }
  if (tsv !== null) await run(client, 'indexMessage', [id, c.userId, c.createdAt, tsv]);
  // The thread list stays current in the same transaction as the row it counts.
  await pgSummaryAdd(client, { ...c, ...textFields(c), id, threadId, toJson: JSON.stringify(c.to), isStarred: c.isStarred ?? false, hasAttachments }, subject);
  if (c.queueWebhook) {
    const data = messageReceivedData({ ...c, id, threadId, hasAttachments });
    await run(client, 'newWebhook', ['message.received', webhookBody('message.received', data, c.createdAt), c.createdAt]);
  }
  return { id, userId: c.userId, threadId, folderId: c.folderId, uid: Number(place.uid), attachments };
}

/** The copy's fields a summary repeats, as the message row holds them. */
function textFields(c: NewMessageCopy): Pick<NewMessageCopy, 'fromEmail' | 'fromName' | 'subject' | 'snippet'> {
  const t = (v: string) => textValue(v) as string;
  return { fromEmail: t(c.fromEmail), fromName: t(c.fromName), subject: t(c.subject), snippet: t(c.snippet) };
}

/** Counts the copy against its owner's usage; over the quota, the whole transaction is refused. */
async function addUsage(client: pg.ClientBase, c: NewMessageCopy): Promise<void> {
  const { rows } = await run<{ used_bytes: string }>(client, 'addUsage', [c.sizeBytes, c.userId]);
  const used = rows[0] ? Number(rows[0].used_bytes) : 0;
  if (c.quotaBytes !== null && used > c.quotaBytes) throw new QuotaExceeded(c.mailbox);
}

/** References past this many (the newest count) are not looked up: a header can list thousands. */
export const MAX_REFERENCES = 32;

// The same rules as the SQLite engine (sqlite/ingest-worker/delivery-sql.ts):
// any candidate known for this user (the parent first, then the newest
// reference, then another copy of the same Message-ID) puts the copy in that
// thread, and every thread it joins is merged into the first: replies that
// arrived before their parent (found by their In-Reply-To), or a message
// that references two conversations. `subject` is set for a new thread only.
async function threadFor(client: pg.ClientBase, c: NewMessageCopy): Promise<{ threadId: number; subject: string | null }> {
  const refs = threadCandidates(c).slice(0, MAX_REFERENCES);
  if (c.messageId) refs.push(c.messageId);
  const found: number[] = [];
  if (refs.length > 0) found.push(...(await run<{ thread_id: number }>(client, 'threadsOf', [c.userId, refs])).rows.map((r) => r.thread_id));
  if (c.messageId) found.push(...(await run<{ thread_id: number }>(client, 'childThreads', [c.userId, c.messageId])).rows.map((r) => r.thread_id));
  const threads = [...new Set(found)];
  if (threads.length === 0) {
    const { rows } = await run<{ id: number }>(client, 'newThread', [c.userId, c.subject, c.createdAt]);
    return { threadId: rows[0]!.id, subject: textValue(c.subject) as string };
  }
  const [threadId, ...others] = threads as [number, ...number[]];
  for (const other of others) await mergeThread(client, c.userId, other, threadId);
  await run(client, 'touchThread', [c.createdAt, threadId]);
  return { threadId, subject: null };
}

/** Moves every message of `from` into `into`, with their summaries, and drops `from`. */
async function mergeThread(client: pg.ClientBase, userId: number, from: number, into: number): Promise<void> {
  const folders = (await run<{ folder_id: number }>(client, 'threadFolders', [from])).rows.map((r) => r.folder_id);
  const lastAt = (await run<{ last_message_at: Date }>(client, 'threadLastAt', [from])).rows[0]?.last_message_at;
  await run(client, 'moveThread', [into, userId, from]);
  if (lastAt) await run(client, 'touchThread', [lastAt, into]);
  await pgSummaryRefresh(client, folders.flatMap((folderId) => [{ threadId: from, folderId }, { threadId: into, folderId }]));
  await run(client, 'dropThread', [from]);
}

async function insertOutbound(client: pg.ClientBase, o: NewOutbound, now: Date): Promise<number> {
  const { rows } = await run<{ id: number }>(client, 'newOutbound', [o.userId, o.mailFrom, JSON.stringify(o.recipients), o.rawSha256, o.sizeBytes, now]);
  return rows[0]!.id;
}
