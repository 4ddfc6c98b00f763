// Writing messages, on the ingest worker thread. Copies of many concurrent
// deliveries are inserted in one transaction (group commit, see
// storage/group-commit.ts) with prepared statements: a batch costs one WAL fsync and
// microseconds of CPU per row, instead of a compiled Prisma query per row.
import type BetterSqlite3 from 'better-sqlite3';
import { threadCandidates, type NewMessageCopy, type NewOutbound, type StoredCopy } from '../../delivery-rows.js';
import { QuotaExceeded } from '../../mail-store.js';
import { ACTIVE_OUTBOUND, type DeliveryStatusRecord } from '../../records.js';
import { messageReceivedData, webhookBody } from '../../webhook-payload.js';
import { preparedOn } from '../prepared.js';
import { sqliteTime } from '../sqlite-time.js';
import { summaryAdd, summaryRefresh } from '../summary-sql.js';

type Sqlite = BetterSqlite3.Database;

export type { NewAttachment, NewMessageCopy, NewOutbound, StoredCopy } from '../../delivery-rows.js';

/** A blob of up to BLOB_INLINE_MAX_BYTES, inserted with the rows that name it (tiered-blobs.ts). */
export interface SmallBlobRow {
  sha256: string;
  content: Uint8Array;
}

export const DELIVERY_SQL = {
  threadOf: `SELECT thread_id AS threadId FROM mail_messages WHERE user_id = ? AND message_id = ? ORDER BY id DESC LIMIT 1`,
  newThread: `INSERT INTO mail_threads (user_id, subject, last_message_at, created_at) VALUES (?, ?, ?, ?)`,
  touchThread: `UPDATE mail_threads SET last_message_at = ? WHERE id = ? AND last_message_at < ?`,
  childThreads: `SELECT DISTINCT thread_id AS threadId FROM mail_messages WHERE user_id = ? AND in_reply_to = ?`,
  threadLastAt: `SELECT last_message_at AS lastAt FROM mail_threads WHERE id = ?`,
  threadFolders: `SELECT DISTINCT folder_id AS folderId FROM mail_messages WHERE thread_id = ?`,
  moveThread: `UPDATE mail_messages SET thread_id = ? WHERE user_id = ? AND thread_id = ?`,
  dropThread: `DELETE FROM mail_threads WHERE id = ?`,
  // RFC 3501 2.3.1.1: UIDs strictly ascend in a folder; the counter moves in the same transaction as the row.
  claimUid: `UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1
    WHERE id = ? AND user_id = ? RETURNING uid_next - 1 AS uid, highest_modseq AS modseq`,
  newMessage: `INSERT INTO mail_messages (user_id, folder_id, thread_id, message_id, in_reply_to, "references",
      from_email, from_name, to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred,
      has_attachments, sent_at, created_at, received_header, raw_sha256, size_bytes, uid, modseq, is_draft)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  newAttachment: `INSERT INTO attachments (message_id, user_id, filename, content_type, size, content_id, sha256)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  addUsage: `UPDATE users SET used_bytes = used_bytes + ? WHERE id = ? RETURNING used_bytes AS usedBytes`,
  newWebhook: `INSERT INTO webhook_outbox (event, payload, status, attempts, next_attempt_at, created_at)
    VALUES (?, ?, 'pending', 0, ?, ?)`,
  newOutbound: `INSERT INTO outbound_queue (user_id, mail_from, recipients, raw_sha256, size_bytes, status, attempts,
      next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  // First statuses only: one already there is kept (later moves are ChatRepo.advance's).
  newStatus: `INSERT INTO delivery_statuses (message_id, user_id, recipient, name, status, at, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, recipient) DO NOTHING`,
  newSmallBlob: `INSERT INTO small_blobs (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
  deleteSmallBlob: `DELETE FROM small_blobs WHERE sha256 = ?`,
  blobReferenced: `SELECT 1 FROM mail_messages WHERE raw_sha256 = @sha
    UNION ALL SELECT 1 FROM attachments WHERE sha256 = @sha
    UNION ALL SELECT 1 FROM outbound_queue WHERE raw_sha256 = @sha AND status IN (${ACTIVE_OUTBOUND.map((s) => `'${s}'`).join(', ')})
    LIMIT 1`,
} as const;

const statements = preparedOn(DELIVERY_SQL);
type Statements = ReturnType<typeof statements>;

/**
 * Inserts copies in order; each lands in the thread it replies to, or a new
 * one. Call inside a transaction. (Their search entries are the caller's:
 * search-index-queue.ts.)
 */
export function insertMessageCopies(db: Sqlite, copies: NewMessageCopy[]): StoredCopy[] {
  const st = statements(db);
  const out: StoredCopy[] = [];
  for (const c of copies) {
    addUsage(st, c);
    const { threadId, subject } = threadFor(db, st, c);
    const place = st.claimUid.get(c.folderId, c.userId) as { uid: number; modseq: number } | undefined;
    if (!place) throw new Error(`folder ${c.folderId} is not user ${c.userId}'s`);
    const toJson = JSON.stringify(c.to);
    const id = Number(
      st.newMessage.run(
        c.userId, c.folderId, threadId, c.messageId, c.inReplyTo, JSON.stringify(c.references),
        c.fromEmail, c.fromName, toJson, JSON.stringify(c.cc), c.subject, c.snippet,
        c.bodyText, c.untrustedHtml, c.isRead ? 1 : 0, c.isStarred ? 1 : 0, c.attachments.length > 0 ? 1 : 0,
        sqliteTime(c.sentAt), sqliteTime(c.createdAt), c.receivedHeader, c.rawSha256, c.sizeBytes,
        place.uid, place.modseq, c.isDraft ? 1 : 0,
      ).lastInsertRowid,
    );
    const attachments = c.attachments.map((a) => ({
      ...a,
      messageId: id,
      id: Number(st.newAttachment.run(id, c.userId, a.filename, a.contentType, a.size, a.contentId, a.sha256).lastInsertRowid),
    }));
    // The thread list stays current in the same transaction as the row it counts.
    summaryAdd(db, { ...c, id, threadId, toJson, isStarred: c.isStarred ?? false, hasAttachments: attachments.length > 0 }, subject);
    if (c.queueWebhook) queueMessageReceived(st, c, id, threadId);
    out.push({ id, userId: c.userId, threadId, folderId: c.folderId, uid: place.uid, attachments });
  }
  return out;
}

function queueMessageReceived(st: Statements, c: NewMessageCopy, id: number, threadId: number): void {
  const data = messageReceivedData({ ...c, id, threadId, hasAttachments: c.attachments.length > 0 });
  const at = sqliteTime(c.createdAt);
  st.newWebhook.run('message.received', webhookBody('message.received', data, c.createdAt), at, at);
}

export function insertOutbound(db: Sqlite, o: NewOutbound, now: Date): number {
  const at = sqliteTime(now);
  return Number(
    statements(db).newOutbound.run(o.userId, o.mailFrom, JSON.stringify(o.recipients), o.rawSha256, o.sizeBytes, at, at, at)
      .lastInsertRowid,
  );
}

// Counted and checked in one statement, inside the commit, against the usage
// this same transaction keeps current: two deliveries at once can no longer
// both squeeze into the last free bytes. Over the quota, the throw rolls the
// count back with the rest of the transaction.
function addUsage(st: Statements, c: NewMessageCopy): void {
  const row = st.addUsage.get(c.sizeBytes, c.userId) as { usedBytes: number } | undefined;
  if (c.quotaBytes !== null && row && row.usedBytes > c.quotaBytes) throw new QuotaExceeded(c.mailbox);
}

/** Stores small blobs (an existing one is kept: same name, same bytes). Call inside a transaction. */
export function insertSmallBlobs(db: Sqlite, blobs: SmallBlobRow[]): void {
  const st = statements(db);
  for (const b of blobs) st.newSmallBlob.run(b.sha256, b.content.byteLength, b.content);
}

/** A sent message's first delivery statuses (the chat's ticks). */
export type NewStatus = Omit<DeliveryStatusRecord, 'threadId'>;

/** Stores first statuses; a recipient's status already there is kept. Call inside a transaction. */
export function insertStatuses(db: Sqlite, rows: readonly NewStatus[]): void {
  const st = statements(db);
  for (const r of rows) st.newStatus.run(r.messageId, r.userId, r.recipient, r.name, r.status, sqliteTime(r.at), r.reason);
}

export function deleteSmallBlob(db: Sqlite, sha256: string): void {
  statements(db).deleteSmallBlob.run(sha256);
}

/** Whether a message, an attachment or an active outbound row still needs the blob. */
export function blobReferenced(db: Sqlite, sha256: string): boolean {
  return statements(db).blobReferenced.get({ sha: sha256 }) !== undefined;
}

/** References past this many (the newest count) are not looked up: a header can list thousands. */
const MAX_REFERENCES = 32;

// RFC 5322 3.6.4: References lists the thread's ids oldest first, In-Reply-To
// the parent. Any of them known for this user puts the copy in that thread
// (the parent first, then the newest reference), as does another copy of the
// same Message-ID. Threads it joins are merged into one: replies that arrived
// before their parent (found by their In-Reply-To), or a message that
// references two conversations. So messages so related always share a
// thread. `subject` is set for a new thread only.
function threadFor(db: Sqlite, st: Statements, c: NewMessageCopy): { threadId: number; subject: string | null } {
  const refs = threadCandidates(c).slice(0, MAX_REFERENCES);
  if (c.messageId) refs.push(c.messageId);
  const found: number[] = [];
  for (const ref of refs) {
    const row = st.threadOf.get(c.userId, ref) as { threadId: number } | undefined;
    if (row) found.push(row.threadId);
  }
  if (c.messageId) {
    for (const r of st.childThreads.all(c.userId, c.messageId) as Array<{ threadId: number }>) found.push(r.threadId);
  }
  const threads = [...new Set(found)];
  const at = sqliteTime(c.createdAt);
  if (threads.length === 0) return { threadId: Number(st.newThread.run(c.userId, c.subject, at, at).lastInsertRowid), subject: c.subject };
  const [threadId, ...others] = threads as [number, ...number[]];
  for (const other of others) mergeThread(db, st, c.userId, other, threadId);
  st.touchThread.run(at, threadId, at);
  return { threadId, subject: null };
}

/** Moves every message of `from` into `into`, with their summaries, and drops `from`. */
function mergeThread(db: Sqlite, st: Statements, userId: number, from: number, into: number): void {
  const folders = (st.threadFolders.all(from) as Array<{ folderId: number }>).map((r) => r.folderId);
  const lastAt = (st.threadLastAt.get(from) as { lastAt: string } | undefined)?.lastAt;
  st.moveThread.run(into, userId, from);
  if (lastAt) st.touchThread.run(lastAt, into, lastAt);
  summaryRefresh(db, folders.flatMap((folderId) => [{ threadId: from, folderId }, { threadId: into, folderId }]));
  st.dropThread.run(from);
}
