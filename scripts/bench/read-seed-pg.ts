// bench:read's seed on PostgreSQL. Through the engine it stores ~230
// messages a second (a few round trips per copy: docs/performance.md), days
// for a million; so the bulk goes in set-based: the same deliveries
// (read-seed.ts's seedDeliveries) turned into rows here with the engine's own
// functions (thread summaries, tsvector literal, blob chunks, text values),
// sent as arrays and inserted with `INSERT … SELECT FROM unnest(…)`, some
// thousand rows a statement. The rows are those the engine writes, ids,
// UIDs and counters included: read-seed-check.ts compares the two, in
// backend/test/bench/read-seed-pg.test.ts and before every PostgreSQL
// bench:read (its --check).
//
// The secondary indexes of the tables loaded are dropped first and made again
// from their own definitions (pg_get_indexdef) after the load, then VACUUM
// ANALYZE: the state autovacuum reaches on a mailbox that grew by delivery.
import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { blobChunks } from '../../backend/src/storage/postgres/pg-blob-keys.js';
import { openPostgresStore } from '../../backend/src/storage/postgres/pg-store.js';
import { pgSearchRow } from '../../backend/src/storage/postgres/pg-search.js';
import { textValue } from '../../backend/src/storage/postgres/pg-text.js';
import { addToSummary, type SummaryRow } from '../../backend/src/storage/thread-summary.js';
import type { CopyDraft } from '../../backend/src/storage/mail-store.js';
import { SEED_EMAIL, SEED_PASSWORD, seedDeliveries, seedSearchTexts, seedThroughStore, type Seeded } from './read-seed.js';

/** Rows a statement: big enough that a round trip is nothing, small enough for a few MB of parameters. */
const ROWS_PER_STATEMENT = 5000;
const LOADED_TABLES = ['mail_messages', 'mail_threads', 'message_search', 'thread_summaries', 'blob_chunks'];

/** The engine's own path on PostgreSQL (openPostgresStore, group commit, backfill): for the check, not for a million. */
export async function seedPostgresThroughEngine(url: string, messages: number, threads: number, log: (line: string) => void): Promise<Seeded> {
  const started = process.hrtime.bigint();
  const store = await openPostgresStore({ url, poolSize: 4, statementTimeoutMs: 600_000 });
  try {
    const seeded = await seedThroughStore(store, messages, threads, log);
    return { ...seeded, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await store.close();
  }
}

/** The same seed, set-based, on an empty database (migrated here by the engine, which also makes the user and folders). */
export async function seedPostgresBulk(url: string, messages: number, threads: number, log: (line: string) => void): Promise<Seeded> {
  const started = process.hrtime.bigint();
  const store = await openPostgresStore({ url, poolSize: 1, statementTimeoutMs: 600_000 });
  let userId: number;
  let inbox: number;
  try {
    userId = (await store.users.create({ email: SEED_EMAIL, name: 'Reader', passwordHash: bcrypt.hashSync(SEED_PASSWORD, 4) })).id;
    inbox = (await store.folders.findByKind(userId, 'inbox'))!.id;
  } finally {
    await store.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query('BEGIN');
    const indexes = await dropSecondaryIndexes(client);
    const openThreadId = await loadRows(client, userId, inbox, messages, threads, log);
    log(`rows in after ${seconds(started).toFixed(0)} s; making ${indexes.length} indexes`);
    for (const definition of indexes) await client.query(definition);
    await client.query('COMMIT');
    log(`indexes made after ${seconds(started).toFixed(0)} s; VACUUM ANALYZE`);
    await client.query(`VACUUM ANALYZE`);
    return { email: SEED_EMAIL, password: SEED_PASSWORD, openThreadId, seconds: seconds(started) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/** Drops every index of the loaded tables that backs no constraint; returns their CREATE INDEX statements. */
async function dropSecondaryIndexes(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i WHERE i.indrelid = ANY($1::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [LOADED_TABLES],
  );
  for (const r of rows) await client.query(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.definition);
}

/** The value a sequence gives next, not taken: the load numbers its rows from there, then moves the sequence past them. */
async function nextOf(client: pg.Client, sequence: string): Promise<number> {
  const { rows } = await client.query<{ v: string }>(`SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS v FROM ${sequence}`);
  return Number(rows[0]!.v);
}

interface ThreadRow {
  id: number;
  subject: string;
  createdAt: Date;
  lastAt: Date;
}

interface Buffered {
  /** threads first seen since the last flush: inserted before the messages that name them */
  threads: ThreadRow[];
  messages: unknown[][];
  search: unknown[][];
  blobs: unknown[][];
}

async function loadRows(client: pg.Client, userId: number, inbox: number, messages: number, threads: number, log: (line: string) => void): Promise<number> {
  const firstMessageId = await nextOf(client, 'mail_messages_id_seq');
  const firstThreadId = await nextOf(client, 'mail_threads_id_seq');
  const folder = (await client.query<{ uid_next: number; highest_modseq: string }>(
    `SELECT uid_next, highest_modseq FROM folders WHERE id = $1`, [inbox])).rows[0]!;
  // Threads are numbered as they first appear, as the engine makes them; the seed names each by its first Message-ID.
  const threadIds = new Map<string, ThreadRow>();
  const summaries = new Map<number, SummaryRow>();
  let batch: Buffered = { threads: [], messages: [], search: [], blobs: [] };
  // One statement group in flight while the next rows are made: PostgreSQL and this process each have a core.
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    await inFlight;
    const rows = batch;
    batch = { threads: [], messages: [], search: [], blobs: [] };
    inFlight = flush(client, userId, rows);
    inFlight.catch(() => {}); // awaited at the next send
  };
  const text = (v: string) => textValue(v) as string;
  const searchText = seedSearchTexts();
  let unread = 0;
  let i = 0;
  for (const delivery of seedDeliveries(userId, inbox, SEED_EMAIL, messages, threads)) {
    const rawSha256 = createHash('sha256').update(delivery.raw).digest('hex');
    blobChunks(delivery.raw).forEach((chunk, seq) => batch.blobs.push([rawSha256, seq, chunk]));
    for (const c of delivery.copies) {
      const id = firstMessageId + i;
      const root = c.references[0] ?? c.messageId!;
      let thread = threadIds.get(root);
      if (!thread) {
        thread = { id: firstThreadId + threadIds.size, subject: text(c.subject), createdAt: c.createdAt, lastAt: c.createdAt };
        threadIds.set(root, thread);
        batch.threads.push(thread);
      }
      if (c.createdAt > thread.lastAt) thread.lastAt = c.createdAt;
      const uid = folder.uid_next + i;
      const modseq = Number(folder.highest_modseq) + i + 1;
      batch.messages.push(messageRow(c, id, thread.id, rawSha256, uid, modseq));
      batch.search.push([id, c.userId, c.createdAt.toISOString(), pgSearchRow(searchText(c))]);
      summaries.set(thread.id, addToSummary(summaries.get(thread.id) ?? null, thread.subject, {
        id, userId, folderId: inbox, threadId: thread.id, fromEmail: text(c.fromEmail), fromName: text(c.fromName),
        toJson: JSON.stringify(c.to), subject: text(c.subject), snippet: text(c.snippet), isRead: c.isRead,
        isStarred: c.isStarred ?? false, hasAttachments: false, createdAt: c.createdAt,
      }));
      if (!c.isRead) unread++;
      i++;
    }
    if (batch.messages.length >= ROWS_PER_STATEMENT) await send();
    if (Math.floor(i / 100_000) > Math.floor((i - delivery.copies.length) / 100_000)) log(`rows up to message ${i}`);
  }
  await send();
  await inFlight;
  const allThreads = [...threadIds.values()];
  // A thread's newest message moved its last_message_at as it came (touchThread).
  await client.query(
    `UPDATE mail_threads t SET last_message_at = v.at FROM unnest($1::int[], $2::timestamptz[]) AS v(id, at)
     WHERE t.id = v.id AND t.last_message_at <> v.at`,
    [allThreads.map((t) => t.id), allThreads.map((t) => t.lastAt.toISOString())],
  );
  await insertSummaries(client, [...summaries.values()]);
  if (i > 0) await client.query(`SELECT setval('mail_messages_id_seq', $1)`, [firstMessageId + i - 1]);
  if (allThreads.length > 0) await client.query(`SELECT setval('mail_threads_id_seq', $1)`, [firstThreadId + allThreads.length - 1]);
  await client.query(
    `UPDATE folders SET uid_next = uid_next + $1, highest_modseq = highest_modseq + $1, total_count = total_count + $1,
       unread_count = unread_count + $2 WHERE id = $3`,
    [i, unread, inbox],
  );
  await client.query(`UPDATE users SET used_bytes = used_bytes + $1 WHERE id = $2`, [600 * i, userId]);
  return threadIds.get('t0.0@bench.test')?.id ?? 0;
}

function messageRow(c: CopyDraft, id: number, threadId: number, rawSha256: string, uid: number, modseq: number): unknown[] {
  return [
    id, c.userId, c.folderId, threadId, c.messageId, c.inReplyTo, JSON.stringify(c.references), c.fromEmail, c.fromName,
    JSON.stringify(c.to), JSON.stringify(c.cc), c.subject, c.snippet, c.bodyText, c.untrustedHtml, c.isRead, c.isStarred ?? false,
    false, c.sentAt.toISOString(), c.createdAt.toISOString(), c.receivedHeader, rawSha256, c.sizeBytes, uid, modseq, c.isDraft === true,
  ].map(textValue);
}

const MESSAGE_COLUMNS = `id, user_id, folder_id, thread_id, message_id, in_reply_to, "references", from_email, from_name, to_json, cc_json,
  subject, snippet, body_text, body_html, is_read, is_starred, has_attachments, sent_at, created_at, received_header, raw_sha256,
  size_bytes, uid, modseq, is_draft`;
const MESSAGE_TYPES = ['int', 'int', 'int', 'int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
  'text', 'bool', 'bool', 'bool', 'timestamptz', 'timestamptz', 'text', 'text', 'int', 'int', 'bigint', 'bool'];

/** Rows as one array per column: `unnest($1::int[], $2::text[], …)`. */
async function insertColumns(client: pg.Client, table: string, columns: string, types: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = types.map((_, k) => rows.map((r) => r[k]));
  const params = types.map((type, k) => `$${k + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${columns}) SELECT * FROM unnest(${params})`, arrays);
}

async function flush(client: pg.Client, userId: number, batch: Buffered): Promise<void> {
  const threads = batch.threads.map((t) => [t.id, userId, t.subject, t.createdAt.toISOString(), t.createdAt.toISOString()]);
  await insertColumns(client, 'mail_threads', 'id, user_id, subject, last_message_at, created_at', ['int', 'int', 'text', 'timestamptz', 'timestamptz'], threads);
  await insertColumns(client, 'mail_messages', MESSAGE_COLUMNS, MESSAGE_TYPES, batch.messages);
  await insertColumns(client, 'message_search', 'message_id, user_id, created_at, tsv', ['int', 'int', 'timestamptz', 'tsvector'], batch.search);
  await insertColumns(client, 'blob_chunks', 'sha256, seq, data', ['text', 'int', 'bytea'], batch.blobs);
}

async function insertSummaries(client: pg.Client, rows: SummaryRow[]): Promise<void> {
  const columns = `folder_id, thread_id, user_id, subject, last_message_at, last_message_id, message_count, unread_count,
    starred_count, attachment_count, snippet, participants, recipients`;
  const types = ['int', 'int', 'int', 'text', 'timestamptz', 'int', 'int', 'int', 'int', 'int', 'text', 'text', 'text'];
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
    const part = rows.slice(at, at + ROWS_PER_STATEMENT).map((r) => [
      r.folderId, r.threadId, r.userId, r.subject, r.lastMessageAt.toISOString(), r.lastMessageId, r.messageCount, r.unreadCount,
      r.starredCount, r.attachmentCount, r.snippet, r.participants, r.recipients,
    ]);
    await insertColumns(client, 'thread_summaries', columns, types, part);
  }
}
