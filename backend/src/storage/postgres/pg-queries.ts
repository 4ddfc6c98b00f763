// The hand-written reads of the PostgreSQL engine, as named statements on the
// hot path's pool: what runs per RCPT or per search, where a compiled Prisma
// query would cost more than the work itself; and the health probe.
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

/** The search the route allows: up to this many words. */
export const MAX_SEARCH_WORDS = 8;

/** Ids of a user's messages in which each of `wordCount` ILIKE patterns ($2...) matches subject, sender or body. */
export function pgSearchSql(wordCount: number): string {
  const word = (n: number) => `(${['subject', 'from_email', 'from_name', 'body_text'].map((c) => `${c} ILIKE $${n}`).join(' OR ')})`;
  const words = Array.from({ length: wordCount }, (_, i) => `AND ${word(i + 2)}`).join(' ');
  return `SELECT id FROM mail_messages WHERE user_id = $1 ${words} ORDER BY created_at DESC, id DESC LIMIT $${wordCount + 2}`;
}

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

  /**
   * Newest first; each word is matched as text (its own %, _ and \ escaped).
   * ILIKE folds case beyond ASCII too, where SQLite's LIKE folds ASCII only.
   */
  async searchIds(userId: number, words: string[], limit: number): Promise<number[]> {
    const n = Math.min(words.length, MAX_SEARCH_WORDS);
    const patterns = words.slice(0, n).map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const { rows } = await this.pool.query<{ id: number }>({ name: `chitbox_search_${n}`, text: pgSearchSql(n), values: [userId, ...patterns, limit] });
    return rows.map((r) => r.id);
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
