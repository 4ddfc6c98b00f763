// The hand-written SQL of the SQLite engine's reads: prepared statements for
// what runs per RCPT or per blob read, for opening a message
// (storage/prisma/message-repo.ts, MessageReads), and for an IMAP folder's listing
// (storage/prisma/imap-repo.ts, ImapListingReads), where a compiled Prisma
// query would cost more than the work itself. Every statement here and in
// ingest-worker/delivery-sql.ts is prepared against a freshly migrated
// database by a test (backend/test/storage/sqlite/sql-statements.test.ts).
import type BetterSqlite3 from 'better-sqlite3';
import type { ImapListingReads, ImapListingRow, ImapSourceRow, UidRange } from '../prisma/imap-repo.js';
import type { MessageMetaRow, MessageReads } from '../prisma/message-repo.js';
import { toUser, type UserReads, type UserRow as PrismaUserRow } from '../prisma/user-repo.js';
import type { AttachmentRecord, DeliveryStatusRecord, MailboxRecord, MessageBodiesRecord, UserRecord } from '../records.js';

const IMAP_COLUMNS = `id, uid, modseq, is_read AS isRead, is_starred AS isStarred, is_answered AS isAnswered, is_draft AS isDraft,
  is_deleted AS isDeleted, keywords, size_bytes AS sizeBytes, created_at AS createdAt`;

export const READ_SQL = {
  mailbox: `SELECT u.id AS id, u.email AS email, u.enabled AS enabled, u.quota_mb AS quotaMb,
      u.used_bytes AS usedBytes, f.id AS inboxFolderId
    FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
    WHERE u.email = ? ORDER BY f.id LIMIT 1`,
  smallBlob: 'SELECT content FROM small_blobs WHERE sha256 = ?',
  // UIDs and flags from mail_messages_imap_listing_idx alone; sources from the rows.
  imapUids: 'SELECT uid FROM mail_messages WHERE user_id = ? AND folder_id = ? ORDER BY uid',
  imapListing: `SELECT ${IMAP_COLUMNS} FROM mail_messages
    WHERE user_id = ? AND folder_id = ? AND uid BETWEEN ? AND ? AND modseq > ? ORDER BY uid`,
  imapSources: `SELECT ${IMAP_COLUMNS}, raw_sha256 AS rawSha256, received_header AS receivedHeader FROM mail_messages
    WHERE user_id = ? AND folder_id = ? AND uid BETWEEN ? AND ? AND modseq > ? ORDER BY uid`,
  // Opening a message: its row without the bodies, then its attachments; the bodies apart, once (storage/prisma/message-repo.ts).
  messageMeta: `SELECT id, user_id AS userId, thread_id AS threadId, folder_id AS folderId, from_email AS fromEmail,
      from_name AS fromName, subject, snippet, is_read AS isRead, is_starred AS isStarred, has_attachments AS hasAttachments,
      sent_at AS sentAt, created_at AS createdAt, message_id AS messageId, in_reply_to AS inReplyTo, "references",
      to_json AS toJson, cc_json AS ccJson, size_bytes AS sizeBytes, raw_sha256 AS rawSha256, received_header AS receivedHeader
    FROM mail_messages WHERE id = ? AND user_id = ?`,
  messageAttachments: `SELECT id, message_id AS messageId, filename, content_type AS contentType, size, content_id AS contentId, sha256
    FROM attachments WHERE message_id = ? ORDER BY id`,
  messageBodies: 'SELECT body_text AS bodyText, body_html AS untrustedHtml FROM mail_messages WHERE id = ? AND user_id = ?',
  // Every API request's token check.
  userById: `SELECT id, email, name, password_hash AS passwordHash, role, enabled, token_version AS tokenVersion, created_at AS createdAt
    FROM users WHERE id = ?`,
  // The read ticks of messages opened: their ids as one JSON array, so one statement serves any number.
  deliveryStatuses: `SELECT d.message_id AS messageId, m.thread_id AS threadId, d.user_id AS userId, d.recipient, d.name, d.status, d.at, d.reason
    FROM delivery_statuses d JOIN mail_messages m ON m.id = d.message_id
    WHERE d.message_id IN (SELECT value FROM json_each(?)) AND d.user_id = ? ORDER BY d.id`,
} as const;

/** The health probe: a read of a real table, and the write lock taken and released (WHERE 0 changes nothing). */
export const PROBE_SQL = {
  read: 'SELECT id FROM users LIMIT 1',
  writeLock: 'UPDATE users SET id = id WHERE 0',
} as const;

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

interface ListingRow {
  id: number; uid: number; modseq: number; isRead: number; isStarred: number; isAnswered: number; isDraft: number; isDeleted: number;
  keywords: string; sizeBytes: number; createdAt: string | number;
}
type SourceRow = ListingRow & { rawSha256: string; receivedHeader: string };
type MetaRow = Omit<MessageMetaRow, 'isRead' | 'isStarred' | 'hasAttachments' | 'sentAt' | 'createdAt'> & {
  isRead: number; isStarred: number; hasAttachments: number; sentAt: string | number; createdAt: string | number;
};

type UserRow = Omit<PrismaUserRow, 'enabled' | 'createdAt'> & { enabled: number; createdAt: string | number };
type StatusRow = Omit<DeliveryStatusRecord, 'at'> & { at: string | number };

export class SqliteQueries implements ImapListingReads, MessageReads, UserReads {
  private readonly mailbox: Statement;
  private readonly smallBlob: Statement;
  private readonly imapUids: Statement;
  private readonly imapListing: Statement;
  private readonly imapSources: Statement;
  private readonly messageMeta: Statement;
  private readonly messageAttachments: Statement;
  private readonly messageBodies: Statement;
  private readonly userById: Statement;
  private readonly deliveryStatuses: Statement;

  constructor(db: BetterSqlite3.Database) {
    this.mailbox = db.prepare<unknown[], unknown>(READ_SQL.mailbox).safeIntegers(false);
    this.smallBlob = db.prepare<unknown[], unknown>(READ_SQL.smallBlob);
    this.imapUids = db.prepare<unknown[], unknown>(READ_SQL.imapUids).pluck();
    this.imapListing = db.prepare<unknown[], unknown>(READ_SQL.imapListing);
    this.imapSources = db.prepare<unknown[], unknown>(READ_SQL.imapSources);
    this.messageMeta = db.prepare<unknown[], unknown>(READ_SQL.messageMeta).safeIntegers(false);
    this.messageAttachments = db.prepare<unknown[], unknown>(READ_SQL.messageAttachments).safeIntegers(false);
    this.messageBodies = db.prepare<unknown[], unknown>(READ_SQL.messageBodies);
    this.userById = db.prepare<unknown[], unknown>(READ_SQL.userById).safeIntegers(false);
    this.deliveryStatuses = db.prepare<unknown[], unknown>(READ_SQL.deliveryStatuses).safeIntegers(false);
  }

  async meta(userId: number, id: number): Promise<{ row: MessageMetaRow; attachments: AttachmentRecord[] } | null> {
    const r = this.messageMeta.get(id, userId) as MetaRow | undefined;
    if (!r) return null;
    return {
      row: {
        ...r, isRead: r.isRead === 1, isStarred: r.isStarred === 1, hasAttachments: r.hasAttachments === 1,
        sentAt: new Date(r.sentAt), createdAt: new Date(r.createdAt),
      },
      attachments: this.messageAttachments.all(id) as AttachmentRecord[],
    };
  }

  async bodies(userId: number, id: number): Promise<MessageBodiesRecord | null> {
    return (this.messageBodies.get(id, userId) as MessageBodiesRecord | undefined) ?? null;
  }

  async findById(id: number): Promise<UserRecord | null> {
    const r = this.userById.get(id) as UserRow | undefined;
    return r ? toUser({ ...r, enabled: r.enabled === 1, createdAt: new Date(r.createdAt) }) : null;
  }

  async statusRows(userId: number, messageIds: readonly number[]): Promise<DeliveryStatusRecord[]> {
    const rows = this.deliveryStatuses.all(JSON.stringify(messageIds), userId) as StatusRow[];
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  /** The delivery facts for one address: runs for every RCPT, and again at DATA for the quota. */
  async findMailbox(email: string): Promise<MailboxRecord | null> {
    const r = this.mailbox.get(email) as
      | { id: number; email: string; enabled: number; quotaMb: number | null; usedBytes: number; inboxFolderId: number }
      | undefined;
    if (!r) return null;
    return { userId: r.id, email: r.email, inboxFolderId: r.inboxFolderId, enabled: r.enabled === 1, quotaMb: r.quotaMb, usedBytes: r.usedBytes };
  }

  smallBlobContent(sha256: string): Buffer | undefined {
    return (this.smallBlob.get(sha256) as { content: Buffer } | undefined)?.content;
  }

  async uids(userId: number, folderId: number): Promise<number[]> {
    return this.imapUids.all(userId, folderId) as number[];
  }

  async listing(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapListingRow[]> {
    return (this.imapListing.all(userId, folderId, uids.from, uids.to, changedSince) as ListingRow[]).map(listingRow);
  }

  async sources(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapSourceRow[]> {
    return (this.imapSources.all(userId, folderId, uids.from, uids.to, changedSince) as SourceRow[]).map((r) => ({
      ...listingRow(r), rawSha256: r.rawSha256, receivedHeader: r.receivedHeader,
    }));
  }
}

/** SQLite's booleans are 0 and 1, its times ISO text with an offset (sqlite-time.ts), as Prisma writes them. */
function listingRow(r: ListingRow): ImapListingRow {
  return {
    id: r.id, uid: r.uid, modseq: r.modseq, isRead: r.isRead === 1, isStarred: r.isStarred === 1, isAnswered: r.isAnswered === 1,
    isDraft: r.isDraft === 1, isDeleted: r.isDeleted === 1, keywords: r.keywords, sizeBytes: r.sizeBytes, createdAt: new Date(r.createdAt),
  };
}
