// The hand-written SQL of the SQLite engine's reads: prepared statements for
// what runs per RCPT or per blob read, where a compiled Prisma query would cost
// more than the work itself. Every statement here and in
// ingest-worker/delivery-sql.ts is prepared against a freshly migrated
// database by a test (backend/test/storage/sql-statements.test.ts).
import type BetterSqlite3 from 'better-sqlite3';
import type { MailboxRecord } from '../records.js';

export const READ_SQL = {
  mailbox: `SELECT u.id AS id, u.email AS email, u.enabled AS enabled, u.quota_mb AS quotaMb,
      u.used_bytes AS usedBytes, f.id AS inboxFolderId
    FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
    WHERE u.email = ? ORDER BY f.id LIMIT 1`,
  smallBlob: 'SELECT content FROM small_blobs WHERE sha256 = ?',
} as const;

/** The health probe: a read of a real table, and the write lock taken and released (WHERE 0 changes nothing). */
export const PROBE_SQL = {
  read: 'SELECT id FROM users LIMIT 1',
  writeLock: 'UPDATE users SET id = id WHERE 0',
} as const;

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

export class SqliteQueries {
  private readonly mailbox: Statement;
  private readonly smallBlob: Statement;

  constructor(db: BetterSqlite3.Database) {
    this.mailbox = db.prepare<unknown[], unknown>(READ_SQL.mailbox).safeIntegers(false);
    this.smallBlob = db.prepare<unknown[], unknown>(READ_SQL.smallBlob);
  }

  /** The delivery facts for one address: runs for every RCPT, and again at DATA for the quota. */
  findMailbox(email: string): MailboxRecord | null {
    const r = this.mailbox.get(email) as
      | { id: number; email: string; enabled: number; quotaMb: number | null; usedBytes: number; inboxFolderId: number }
      | undefined;
    if (!r) return null;
    return { userId: r.id, email: r.email, inboxFolderId: r.inboxFolderId, enabled: r.enabled === 1, quotaMb: r.quotaMb, usedBytes: r.usedBytes };
  }

  smallBlobContent(sha256: string): Buffer | undefined {
    return (this.smallBlob.get(sha256) as { content: Buffer } | undefined)?.content;
  }
}
