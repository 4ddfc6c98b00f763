// The hand-written reads of the PostgreSQL engine, as named statements on the
// hot path's pool: what runs per RCPT, where a compiled Prisma
// query would cost more than the work itself; and the health probe. Search
// has its own module (pg-search.ts).
import type pg from 'pg';
import type { MailboxRecord } from '../records.js';

export const PG_READ_SQL = {
  mailbox: `SELECT u.id, u.email, u.enabled, u.quota_mb, u.used_bytes, f.id AS inbox_folder_id
    FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
    WHERE u.email = $1 ORDER BY f.id LIMIT 1`,
  secret: 'SELECT value FROM server_secrets WHERE name = $1',
  newSecret: 'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
  probeRead: 'SELECT id FROM users LIMIT 1',
  // A write that changes nothing: refused on a read-only server (a standby, a full disk's read-only mode).
  probeWrite: 'UPDATE users SET id = id WHERE false',
} as const;

export class PgQueries {
  constructor(private readonly pool: pg.Pool) {}

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
