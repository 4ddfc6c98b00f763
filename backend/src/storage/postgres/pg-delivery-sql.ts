// Writing messages on PostgreSQL: the hot path, as named (prepared once per
// connection) statements through `pg`. A batch of deliveries runs in one
// transaction (storage/group-commit.ts), so a burst of mail costs one commit
// (one WAL flush) and a few round trips per copy, instead of a compiled
// Prisma query per row. Every statement here is prepared against a freshly
// migrated database by a test (backend/test/storage/postgres/pg-statements.test.ts).
import type pg from 'pg';
import { threadCandidates, type NewMessageCopy, type NewOutbound, type StoredCopy } from '../delivery-rows.js';
import { QuotaExceeded } from '../mail-store.js';
import { messageReceivedData, webhookBody } from '../webhook-payload.js';
import { blobChunks, blobLockKeys, type BlobBytes } from './pg-blob-keys.js';

export const PG_DELIVERY_SQL = {
  // The first of the candidates (in their order) that names one of the user's messages.
  threadOf: `SELECT m.thread_id FROM unnest($2::text[]) WITH ORDINALITY AS r(ref, i)
    CROSS JOIN LATERAL (SELECT thread_id FROM mail_messages WHERE user_id = $1 AND message_id = r.ref ORDER BY id DESC LIMIT 1) m
    ORDER BY r.i LIMIT 1`,
  newThread: `INSERT INTO mail_threads (user_id, subject, last_message_at, created_at) VALUES ($1, $2, $3, $3) RETURNING id`,
  touchThread: `UPDATE mail_threads SET last_message_at = $1 WHERE id = $2 AND last_message_at < $1`,
  newMessage: `INSERT INTO mail_messages (user_id, folder_id, thread_id, message_id, in_reply_to, "references",
      from_email, from_name, to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred,
      has_attachments, sent_at, created_at, received_header, raw_sha256, size_bytes)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, false, $16, $17, $18, $19, $20, $21)
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
  // Shared: deliveries naming the same blob never wait for each other; a
  // release (pg-blob-store.ts) takes the same keys exclusively.
  lockBlobs: `SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest($1::bigint[]) AS k`,
  newChunk: `INSERT INTO blob_chunks (sha256, seq, data) VALUES ($1, $2, $3) ON CONFLICT (sha256, seq) DO NOTHING`,
} as const;

type Name = keyof typeof PG_DELIVERY_SQL;

/** A named statement: pg prepares it once per connection, then only binds. */
function run<R extends pg.QueryResultRow>(client: pg.ClientBase, name: Name, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `chitbox_${name}`, text: PG_DELIVERY_SQL[name], values: values.map(textValue) });
}

/**
 * PostgreSQL's text cannot hold NUL, which mail can (a header or body with a
 * stray \0 byte, kept as it is by SQLite): such a character becomes U+FFFD
 * in the parsed fields. The raw bytes, in blob_chunks, keep it.
 */
function textValue(v: unknown): unknown {
  return typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
}

export interface PgDeliveryRows {
  copies: NewMessageCopy[];
  /** every blob the copies and the queue row name, stored in the same transaction */
  blobs: BlobBytes[];
  outbound: NewOutbound | null;
}

export interface PgCommittedRows {
  copies: StoredCopy[];
  outboundId: number | null;
}

/** Locks every blob of the batch, in key order (so two transactions cannot deadlock on them). */
export async function lockBatchBlobs(client: pg.ClientBase, deliveries: PgDeliveryRows[]): Promise<void> {
  const keys = blobLockKeys(deliveries.flatMap((d) => d.blobs.map((b) => b.sha256)));
  if (keys.length > 0) await run(client, 'lockBlobs', [keys]);
}

/** One delivery's rows; call inside the batch's transaction, after lockBatchBlobs. */
export async function insertDelivery(client: pg.ClientBase, d: PgDeliveryRows, now: Date): Promise<PgCommittedRows> {
  for (const blob of d.blobs) await insertBlob(client, blob);
  const copies: StoredCopy[] = [];
  for (const c of d.copies) copies.push(await insertCopy(client, c));
  const outboundId = d.outbound ? await insertOutbound(client, d.outbound, now) : null;
  return { copies, outboundId };
}

/** The same bytes under the same name: a chunk already there is kept. */
async function insertBlob(client: pg.ClientBase, blob: BlobBytes): Promise<void> {
  let seq = 0;
  for (const chunk of blobChunks(blob.bytes)) await run(client, 'newChunk', [blob.sha256, seq++, chunk]);
}

async function insertCopy(client: pg.ClientBase, c: NewMessageCopy): Promise<StoredCopy> {
  await addUsage(client, c);
  const threadId = await threadFor(client, c);
  const { rows } = await run<{ id: number }>(client, 'newMessage', [
    c.userId, c.folderId, threadId, c.messageId, c.inReplyTo, JSON.stringify(c.references),
    c.fromEmail, c.fromName, JSON.stringify(c.to), JSON.stringify(c.cc), c.subject, c.snippet,
    c.bodyText, c.untrustedHtml, c.isRead, c.attachments.length > 0,
    c.sentAt, c.createdAt, c.receivedHeader, c.rawSha256, c.sizeBytes,
  ]);
  const id = rows[0]!.id;
  const attachments = [];
  for (const a of c.attachments) {
    const r = await run<{ id: number }>(client, 'newAttachment', [id, c.userId, a.filename, a.contentType, a.size, a.contentId, a.sha256]);
    attachments.push({ ...a, messageId: id, id: r.rows[0]!.id });
  }
  if (c.queueWebhook) {
    const data = messageReceivedData({ ...c, id, threadId, hasAttachments: c.attachments.length > 0 });
    await run(client, 'newWebhook', ['message.received', webhookBody('message.received', data, c.createdAt), c.createdAt]);
  }
  return { id, userId: c.userId, threadId, folderId: c.folderId, attachments };
}

/** Counts the copy against its owner's usage; over the quota, the whole transaction is refused. */
async function addUsage(client: pg.ClientBase, c: NewMessageCopy): Promise<void> {
  const { rows } = await run<{ used_bytes: string }>(client, 'addUsage', [c.sizeBytes, c.userId]);
  const used = rows[0] ? Number(rows[0].used_bytes) : 0;
  if (c.quotaBytes !== null && used > c.quotaBytes) throw new QuotaExceeded(c.mailbox);
}

/** The thread the copy replies to (threadCandidates' order), or a new one. */
async function threadFor(client: pg.ClientBase, c: NewMessageCopy): Promise<number> {
  const refs = threadCandidates(c);
  if (refs.length > 0) {
    const { rows } = await run<{ thread_id: number }>(client, 'threadOf', [c.userId, refs]);
    if (rows[0]) {
      await run(client, 'touchThread', [c.createdAt, rows[0].thread_id]);
      return rows[0].thread_id;
    }
  }
  const { rows } = await run<{ id: number }>(client, 'newThread', [c.userId, c.subject, c.createdAt]);
  return rows[0]!.id;
}

async function insertOutbound(client: pg.ClientBase, o: NewOutbound, now: Date): Promise<number> {
  const { rows } = await run<{ id: number }>(client, 'newOutbound', [o.userId, o.mailFrom, JSON.stringify(o.recipients), o.rawSha256, o.sizeBytes, now]);
  return rows[0]!.id;
}
