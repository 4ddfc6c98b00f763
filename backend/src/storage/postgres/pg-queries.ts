// The hand-written reads of the PostgreSQL engine, as named statements on the
// hot path's pool: what runs per RCPT, opening a message
// (storage/prisma/message-repo.ts, MessageReads), and an IMAP folder's listing
// (storage/prisma/imap-repo.ts, ImapListingReads), where a compiled Prisma
// query would cost more than the work itself; and the health probe. Search
// has its own module (pg-search.ts).
import type pg from 'pg';
import type { ImapListingReads, ImapListingRow, ImapSourceRow, UidRange } from '../prisma/imap-repo.js';
import type { MessageMetaRow, MessageReads } from '../prisma/message-repo.js';
import { toUser, type UserReads, type UserRow } from '../prisma/user-repo.js';
import type { AttachmentRecord, DeliveryStatusRecord, MailboxRecord, MessageBodiesRecord, UserRecord } from '../records.js';

const IMAP_COLUMNS = 'id, uid, modseq, is_read, is_starred, is_answered, is_draft, is_deleted, keywords, size_bytes, created_at';

export const PG_READ_SQL = {
  mailbox: `SELECT u.id, u.email, u.enabled, u.quota_mb, u.used_bytes, f.id AS inbox_folder_id
    FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
    WHERE u.email = $1 ORDER BY f.id LIMIT 1`,
  secret: 'SELECT value FROM server_secrets WHERE name = $1',
  newSecret: 'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
  probeRead: 'SELECT id FROM users LIMIT 1',
  // A write that changes nothing: refused on a read-only server (a standby, a full disk's read-only mode).
  probeWrite: 'UPDATE users SET id = id WHERE false',
  imapUids: 'SELECT uid FROM mail_messages WHERE user_id = $1 AND folder_id = $2 ORDER BY uid',
  imapListing: `SELECT ${IMAP_COLUMNS} FROM mail_messages
    WHERE user_id = $1 AND folder_id = $2 AND uid BETWEEN $3 AND $4 AND modseq > $5 ORDER BY uid`,
  imapSources: `SELECT ${IMAP_COLUMNS}, raw_sha256, received_header FROM mail_messages
    WHERE user_id = $1 AND folder_id = $2 AND uid BETWEEN $3 AND $4 AND modseq > $5 ORDER BY uid`,
  // Opening a message: its row without the bodies, then its attachments; the bodies apart, once (storage/prisma/message-repo.ts).
  messageMeta: `SELECT id, user_id AS "userId", thread_id AS "threadId", folder_id AS "folderId", from_email AS "fromEmail",
      from_name AS "fromName", subject, snippet, is_read AS "isRead", is_starred AS "isStarred", has_attachments AS "hasAttachments",
      sent_at AS "sentAt", created_at AS "createdAt", message_id AS "messageId", in_reply_to AS "inReplyTo", "references",
      to_json AS "toJson", cc_json AS "ccJson", size_bytes AS "sizeBytes", raw_sha256 AS "rawSha256", received_header AS "receivedHeader"
    FROM mail_messages WHERE id = $1 AND user_id = $2`,
  messageAttachments: `SELECT id, message_id AS "messageId", filename, content_type AS "contentType", size, content_id AS "contentId", sha256
    FROM attachments WHERE message_id = $1 ORDER BY id`,
  messageBodies: 'SELECT body_text AS "bodyText", body_html AS "untrustedHtml" FROM mail_messages WHERE id = $1 AND user_id = $2',
  // Every API request's token check.
  userById: `SELECT id, email, name, password_hash AS "passwordHash", role, enabled, token_version AS "tokenVersion", created_at AS "createdAt"
    FROM users WHERE id = $1`,
  // The read ticks of messages opened.
  deliveryStatuses: `SELECT d.message_id AS "messageId", m.thread_id AS "threadId", d.user_id AS "userId", d.recipient, d.name, d.status, d.at, d.reason
    FROM delivery_statuses d JOIN mail_messages m ON m.id = d.message_id
    WHERE d.message_id = ANY($1::int[]) AND d.user_id = $2 ORDER BY d.id`,
} as const;

interface ListingRow {
  id: number; uid: number; modseq: number; is_read: boolean; is_starred: boolean; is_answered: boolean; is_draft: boolean; is_deleted: boolean;
  keywords: string; size_bytes: number; created_at: Date;
}
type SourceRow = ListingRow & { raw_sha256: string; received_header: string };

export class PgQueries implements ImapListingReads, MessageReads, UserReads {
  constructor(private readonly pool: pg.Pool) {}

  async uids(userId: number, folderId: number): Promise<number[]> {
    const { rows } = await this.pool.query<[number]>({ name: 'chitbox_imap_uids', text: PG_READ_SQL.imapUids, values: [userId, folderId], rowMode: 'array' });
    return rows.map((r) => r[0]);
  }

  async listing(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapListingRow[]> {
    const { rows } = await this.pool.query<ListingRow>({
      name: 'chitbox_imap_listing', text: PG_READ_SQL.imapListing, values: [userId, folderId, uids.from, uids.to, changedSince],
    });
    return rows.map(listingRow);
  }

  async sources(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapSourceRow[]> {
    const { rows } = await this.pool.query<SourceRow>({
      name: 'chitbox_imap_sources', text: PG_READ_SQL.imapSources, values: [userId, folderId, uids.from, uids.to, changedSince],
    });
    return rows.map((r) => ({ ...listingRow(r), rawSha256: r.raw_sha256, receivedHeader: r.received_header }));
  }

  async meta(userId: number, id: number): Promise<{ row: MessageMetaRow; attachments: AttachmentRecord[] } | null> {
    const { rows } = await this.pool.query<MessageMetaRow>({ name: 'chitbox_message_meta', text: PG_READ_SQL.messageMeta, values: [id, userId] });
    const row = rows[0];
    if (!row) return null;
    const attachments = await this.pool.query<AttachmentRecord>({
      name: 'chitbox_message_attachments', text: PG_READ_SQL.messageAttachments, values: [id],
    });
    return { row, attachments: attachments.rows };
  }

  async bodies(userId: number, id: number): Promise<MessageBodiesRecord | null> {
    const { rows } = await this.pool.query<MessageBodiesRecord>({
      name: 'chitbox_message_bodies', text: PG_READ_SQL.messageBodies, values: [id, userId],
    });
    return rows[0] ?? null;
  }

  async findById(id: number): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>({ name: 'chitbox_user_by_id', text: PG_READ_SQL.userById, values: [id] });
    return rows[0] ? toUser(rows[0]) : null;
  }

  async statusRows(userId: number, messageIds: readonly number[]): Promise<DeliveryStatusRecord[]> {
    const { rows } = await this.pool.query<DeliveryStatusRecord>({
      name: 'chitbox_delivery_statuses', text: PG_READ_SQL.deliveryStatuses, values: [messageIds, userId],
    });
    return rows;
  }

  /** The delivery facts for one address: runs for every RCPT, and again at DATA for the quota. */
  async findMailbox(email: string): Promise<MailboxRecord | null> {
    const { rows } = await this.pool.query<{
      id: number; email: string; enabled: boolean; quota_mb: number | null; used_bytes: string; inbox_folder_id: number;
    }>({ name: 'chitbox_mailbox', text: PG_READ_SQL.mailbox, values: [email] });
    const r = rows[0];
    if (!r) return null;
    return { userId: r.id, email: r.email, inboxFolderId: r.inbox_folder_id, enabled: r.enabled, quotaMb: r.quota_mb, usedBytes: Number(r.used_bytes) };
  }

  /** A secret every instance shares: the first instance to store one wins, the others read it. */
  async secret(name: string, make: () => string): Promise<string> {
    await this.pool.query(PG_READ_SQL.newSecret, [name, make()]);
    const { rows } = await this.pool.query<{ value: string }>(PG_READ_SQL.secret, [name]);
    return rows[0]!.value;
  }

  /** A read of a real table, and a write the server accepts. */
  async probe(): Promise<void> {
    await this.pool.query(PG_READ_SQL.probeRead);
    await this.pool.query(PG_READ_SQL.probeWrite);
  }
}

function listingRow(r: ListingRow): ImapListingRow {
  return {
    id: r.id, uid: r.uid, modseq: r.modseq, isRead: r.is_read, isStarred: r.is_starred, isAnswered: r.is_answered, isDraft: r.is_draft,
    isDeleted: r.is_deleted, keywords: r.keywords, sizeBytes: r.size_bytes, createdAt: r.created_at,
  };
}
