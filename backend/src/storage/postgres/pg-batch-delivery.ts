// A batch of deliveries in a few set-based statements (pg-batch-sql.ts)
// instead of several round trips per copy. The rows are exactly those the
// per-copy path (pg-delivery-sql.ts) writes when it takes the copies one
// after the other: a copy sees the copies before it in the batch (a reply
// next to its parent joins its thread), ids and UIDs ascend in batch order,
// summaries are added to in that order. A copy that would join two threads
// (a merge) is left to the per-copy path: insertBatch answers null.
import type pg from 'pg';
import { threadCandidates, type NewMessageCopy, type StoredCopy } from '../delivery-rows.js';
import { QuotaExceeded } from '../mail-store.js';
import { addToSummary, countsDelta, type SummaryRow, type SummarySource } from '../thread-summary.js';
import { messageReceivedData, webhookBody } from '../webhook-payload.js';
import { blobChunks, blobLockKeys, type BlobBytes } from './pg-blob-keys.js';
import { PG_BATCH_SQL } from './pg-batch-sql.js';
import type { PgCommittedRows, PgDeliveryRows } from './pg-delivery-sql.js';
import { MAX_REFERENCES } from './pg-delivery-sql.js';
import { textValue } from './pg-text.js';

/**
 * Blob bytes per chunks statement (at least one chunk): pg copies a
 * parameter several times as it builds the message, so a batch of big mail
 * goes as several statements of about a megabyte, not one of many.
 */
const CHUNK_STATEMENT_BYTES = 1024 * 1024;

function run<R extends pg.QueryResultRow>(client: pg.ClientBase, name: keyof typeof PG_BATCH_SQL, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `chitbox_batch_${name}`, text: PG_BATCH_SQL[name], values });
}

/** ES2024's String methods (Node 20 has them; the compiler's lib here is ES2023). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** A string as a PostgreSQL text inside JSON can hold it: no NUL (pg-text.ts), no lone surrogate (json refuses its escape). */
function text(v: string): string;
function text(v: string | null): string | null;
function text(v: string | null): string | null {
  if (v === null) return null;
  const s = textValue(v) as string & WellFormed;
  return s.isWellFormed() ? s : s.toWellFormed();
}

interface ClaimRow {
  usage: Array<{ id: number; used: number }> | null;
  places: Array<{ id: number; user_id: number; uid: number; modseq: number }> | null;
  found: Array<{ k: number; i: number; thread_id: number }> | null;
  children: Array<{ k: number; thread_id: number }> | null;
  threads: Array<{ id: number; subject: string }> | null;
  summaries: Array<Omit<SummaryRow, 'lastMessageAt'> & { lastMessageAt: string }> | null;
  message_ids: number[];
  attachment_ids: number[];
  outbound_ids: number[];
  thread_ids: number[];
}

interface Copy {
  c: NewMessageCopy;
  tsv: string | null;
  /** Message-IDs whose thread the copy joins (pg-delivery-sql.ts threadFor), as stored */
  refs: string[];
}

/**
 * BEGIN, and every blob of the batch locked shared in key order (so two
 * transactions cannot deadlock on them; a release, pg-blob-store.ts, takes
 * the same keys exclusively): one round trip. The keys are numbers made here
 * (blobLockKeys), never input, so they are written into the text.
 */
export async function beginBatch(client: pg.ClientBase, batch: PgDeliveryRows[]): Promise<void> {
  const keys = blobLockKeys(batch.flatMap((d) => d.blobs.map((b) => b.sha256)));
  await client.query(keys.length === 0 ? 'BEGIN'
    : `BEGIN; SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest('{${keys.join(',')}}'::bigint[]) AS k`);
}

/** The batch's rows; call inside its transaction, after its blob locks. null: a copy merges threads. */
export async function insertBatch(client: pg.ClientBase, batch: PgDeliveryRows[], now: Date): Promise<PgCommittedRows[] | null> {
  await insertChunks(client, batch.flatMap((d) => d.blobs));
  const copies: Copy[] = batch.flatMap((d) => d.copies.map((c) => ({ c, tsv: d.tsv, refs: candidates(c) })));
  const claim = await claimFor(client, batch, copies);
  const placed = placeCopies(copies, claim);
  const threads = assignThreads(copies, claim);
  if (!threads) return null;
  const messageIds = [...claim.message_ids].sort((a, b) => a - b);
  const attachmentIds = [...claim.attachment_ids].sort((a, b) => a - b);
  const rows = { messages: [] as unknown[], attachments: [] as unknown[], search: [] as unknown[], webhooks: [] as unknown[] };
  const summaries = new Summaries(claim);
  const stored: StoredCopy[] = copies.map(({ c, tsv }, k) => {
    const { uid, modseq } = placed[k]!;
    const id = messageIds[k]!;
    const threadId = threads.of[k]!;
    const hasAttachments = c.attachments.length > 0;
    rows.messages.push({
      id, user_id: c.userId, folder_id: c.folderId, thread_id: threadId, message_id: text(c.messageId), in_reply_to: text(c.inReplyTo),
      references: text(JSON.stringify(c.references)), from_email: text(c.fromEmail), from_name: text(c.fromName),
      to_json: text(JSON.stringify(c.to)), cc_json: text(JSON.stringify(c.cc)), subject: text(c.subject), snippet: text(c.snippet),
      body_text: text(c.bodyText), body_html: text(c.untrustedHtml), is_read: c.isRead, is_starred: c.isStarred ?? false,
      has_attachments: hasAttachments, sent_at: c.sentAt, created_at: c.createdAt, received_header: text(c.receivedHeader),
      raw_sha256: c.rawSha256, size_bytes: c.sizeBytes, uid, modseq, is_draft: c.isDraft === true,
    });
    const attachments = c.attachments.map((a) => {
      const row = { ...a, messageId: id, id: attachmentIds.shift()! };
      rows.attachments.push({
        id: row.id, message_id: id, user_id: c.userId, filename: text(a.filename), content_type: text(a.contentType),
        size: a.size, content_id: text(a.contentId), sha256: a.sha256,
      });
      return row;
    });
    if (tsv !== null) rows.search.push({ id, user_id: c.userId, created_at: c.createdAt, tsv: text(tsv) });
    summaries.add({
      id, userId: c.userId, folderId: c.folderId, threadId, fromEmail: text(c.fromEmail), fromName: text(c.fromName),
      toJson: text(JSON.stringify(c.to)), subject: text(c.subject), snippet: text(c.snippet), isRead: c.isRead,
      isStarred: c.isStarred ?? false, hasAttachments, createdAt: c.createdAt,
    }, threads.subject.get(threadId)!);
    if (c.queueWebhook) {
      const data = messageReceivedData({ ...c, id, threadId, hasAttachments });
      rows.webhooks.push({ payload: text(webhookBody('message.received', data, c.createdAt)), at: c.createdAt });
    }
    return { id, userId: c.userId, threadId, folderId: c.folderId, uid, attachments };
  });
  const outboundIds = [...claim.outbound_ids].sort((a, b) => a - b);
  const queued = batch.map((d) => (d.outbound ? { ...d.outbound, id: outboundIds.shift()! } : null));
  await run(client, 'write', [
    JSON.stringify(threads.created), JSON.stringify(threads.touched), JSON.stringify(rows.messages), JSON.stringify(rows.attachments),
    JSON.stringify(rows.search), JSON.stringify(summaries.rows()), JSON.stringify(summaries.counters()), JSON.stringify(rows.webhooks),
    JSON.stringify(queued.flatMap((o) => (o ? [{
      id: o.id, user_id: o.userId, mail_from: text(o.mailFrom), recipients: text(JSON.stringify(o.recipients)),
      raw_sha256: o.rawSha256, size_bytes: o.sizeBytes,
    }] : []))),
    now,
  ]);
  let at = 0;
  return batch.map((d, i) => ({ copies: stored.slice(at, (at += d.copies.length)), outboundId: queued[i]?.id ?? null }));
}

/** The candidates of threadFor, as stored (the newest references only; then the copy's own Message-ID). */
function candidates(c: NewMessageCopy): string[] {
  const refs = threadCandidates(c).slice(0, MAX_REFERENCES);
  if (c.messageId) refs.push(c.messageId);
  return refs.map((r) => text(r));
}

/** Every blob's chunks, deduplicated, a few megabytes of bytes per statement. */
async function insertChunks(client: pg.ClientBase, blobs: BlobBytes[]): Promise<void> {
  const seen = new Set<string>();
  let slices: Array<{ sha256: string; seq: number; at: number; len: number }> = [];
  let parts: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    if (slices.length > 0) await run(client, 'chunks', [JSON.stringify(slices), parts.length === 1 ? parts[0] : Buffer.concat(parts, size)]);
    slices = [];
    parts = [];
    size = 0;
  };
  for (const blob of blobs) {
    if (seen.has(blob.sha256)) continue;
    seen.add(blob.sha256);
    let seq = 0;
    for (const chunk of blobChunks(blob.bytes)) {
      if (size > 0 && size + chunk.length > CHUNK_STATEMENT_BYTES) await flush();
      slices.push({ sha256: blob.sha256, seq: seq++, at: size, len: chunk.length });
      parts.push(chunk);
      size += chunk.length;
    }
  }
  await flush();
}

async function claimFor(client: pg.ClientBase, batch: PgDeliveryRows[], copies: Copy[]): Promise<ClaimRow> {
  const usage = new Map<number, number>();
  const places = new Map<string, { folder_id: number; user_id: number; n: number }>();
  const found: Array<{ k: number; user_id: number; ref: string; i: number }> = [];
  const children: Array<{ k: number; user_id: number; mid: string }> = [];
  copies.forEach(({ c, refs }, k) => {
    usage.set(c.userId, (usage.get(c.userId) ?? 0) + c.sizeBytes);
    const place = places.get(`${c.folderId}:${c.userId}`) ?? { folder_id: c.folderId, user_id: c.userId, n: 0 };
    place.n++;
    places.set(`${c.folderId}:${c.userId}`, place);
    refs.forEach((ref, i) => found.push({ k, user_id: c.userId, ref, i }));
    if (c.messageId) children.push({ k, user_id: c.userId, mid: text(c.messageId) });
  });
  const attachments = copies.reduce((n, { c }) => n + c.attachments.length, 0);
  const { rows } = await run<ClaimRow>(client, 'claim', [
    JSON.stringify([...usage].map(([id, bytes]) => ({ id, bytes }))),
    // In folder order: two batches locking the same folders take them in the same order.
    JSON.stringify([...places.values()].sort((a, b) => a.folder_id - b.folder_id)),
    JSON.stringify(found), JSON.stringify(children), [...new Set(copies.map(({ c }) => c.folderId))],
    copies.length, attachments, batch.filter((d) => d.outbound).length,
  ]);
  return rows[0]!;
}

/**
 * Each copy counted against its owner's usage in turn and placed in its
 * folder, as the per-copy path does: the first copy over its quota (or in a
 * folder not its owner's) refuses the batch.
 */
function placeCopies(copies: Copy[], claim: ClaimRow): Array<{ uid: number; modseq: number }> {
  const added = new Map<number, number>();
  for (const { c } of copies) added.set(c.userId, (added.get(c.userId) ?? 0) + c.sizeBytes);
  const used = new Map((claim.usage ?? []).map((u) => [u.id, Number(u.used) - added.get(u.id)!]));
  const places = new Map((claim.places ?? []).map((p) => [`${p.id}:${p.user_id}`, { uid: p.uid, modseq: p.modseq }]));
  return copies.map(({ c }) => {
    const before = used.get(c.userId);
    // A user without a row counts as nothing used, as the per-copy path reads it.
    const now = before === undefined ? 0 : before + c.sizeBytes;
    if (before !== undefined) used.set(c.userId, now);
    if (c.quotaBytes !== null && now > c.quotaBytes) throw new QuotaExceeded(c.mailbox);
    const place = places.get(`${c.folderId}:${c.userId}`);
    if (!place) throw new Error(`folder ${c.folderId} is not user ${c.userId}'s`);
    return { uid: place.uid++, modseq: ++place.modseq };
  });
}

interface Threads {
  /** each copy's thread */
  of: number[];
  subject: Map<number, string>;
  created: Array<{ id: number; user_id: number; subject: string; last_message_at: Date; created_at: Date }>;
  touched: Array<{ id: number; at: Date }>;
}

// threadFor's rules (pg-delivery-sql.ts), with what the copies before this
// one in the batch would have written: the newest message with a Message-ID
// is the batch's latest copy with it, else the database's; the replies to a
// copy are the database's and the batch's.
function assignThreads(copies: Copy[], claim: ClaimRow): Threads | null {
  const dbFound = new Map<string, number>();
  for (const f of claim.found ?? []) dbFound.set(`${f.k}:${f.i}`, f.thread_id);
  const dbChildren = new Map<number, number[]>();
  for (const ch of claim.children ?? []) dbChildren.set(ch.k, [...(dbChildren.get(ch.k) ?? []), ch.thread_id]);
  const subject = new Map((claim.threads ?? []).map((t) => [t.id, t.subject]));
  const fresh = [...claim.thread_ids].sort((a, b) => a - b);
  const newest = new Map<string, number>();
  const replies = new Map<string, Set<number>>();
  const created = new Map<number, Threads['created'][number]>();
  const touched = new Map<number, Date>();
  const of: number[] = [];
  for (const [k, { c, refs }] of copies.entries()) {
    const key = (id: string) => `${c.userId}\u0000${id}`;
    const found = new Set<number>();
    refs.forEach((ref, i) => {
      const t = newest.get(key(ref)) ?? dbFound.get(`${k}:${i}`);
      if (t !== undefined) found.add(t);
    });
    if (c.messageId) {
      for (const t of dbChildren.get(k) ?? []) found.add(t);
      for (const t of replies.get(key(text(c.messageId))) ?? []) found.add(t);
    }
    if (found.size > 1) return null;
    let threadId: number;
    if (found.size === 0) {
      threadId = fresh.shift()!;
      created.set(threadId, { id: threadId, user_id: c.userId, subject: text(c.subject), last_message_at: c.createdAt, created_at: c.createdAt });
      subject.set(threadId, text(c.subject));
    } else {
      threadId = [...found][0]!;
      const mine = created.get(threadId);
      if (mine) {
        if (mine.last_message_at < c.createdAt) mine.last_message_at = c.createdAt;
      } else {
        const at = touched.get(threadId);
        if (!at || at < c.createdAt) touched.set(threadId, c.createdAt);
      }
    }
    of.push(threadId);
    if (c.messageId) newest.set(key(text(c.messageId)), threadId);
    if (c.inReplyTo) {
      const set = replies.get(key(text(c.inReplyTo))) ?? new Set<number>();
      replies.set(key(text(c.inReplyTo)), set.add(threadId));
    }
  }
  return { of, subject, created: [...created.values()], touched: [...touched].map(([id, at]) => ({ id, at })) };
}

/** The summaries the batch touches, each added to copy by copy, and how the folder counters move. */
class Summaries {
  private readonly before = new Map<string, SummaryRow | null>();
  private readonly after = new Map<string, SummaryRow>();

  constructor(claim: ClaimRow) {
    for (const s of claim.summaries ?? []) this.before.set(`${s.folderId}:${s.threadId}`, { ...s, lastMessageAt: new Date(s.lastMessageAt) });
  }

  add(m: SummarySource, threadSubject: string): void {
    const key = `${m.folderId}:${m.threadId}`;
    if (!this.before.has(key)) this.before.set(key, null);
    this.after.set(key, addToSummary(this.after.get(key) ?? this.before.get(key) ?? null, threadSubject, m));
  }

  rows(): SummaryRow[] {
    return [...this.after.values()];
  }

  counters(): Array<{ id: number; total: number; unread: number }> {
    const byFolder = new Map<number, { id: number; total: number; unread: number }>();
    for (const [key, row] of this.after) {
      const delta = countsDelta(this.before.get(key) ?? null, row);
      const f = byFolder.get(row.folderId) ?? { id: row.folderId, total: 0, unread: 0 };
      f.total += delta.total;
      f.unread += delta.unread;
      byFolder.set(row.folderId, f);
    }
    return [...byFolder.values()].filter((f) => f.total !== 0 || f.unread !== 0);
  }
}
