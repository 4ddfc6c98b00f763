// Users and their system folders.
import type { FolderKind } from '../contracts/api.js';
import type { Database } from './database.js';
import type { MailboxRecord, UserRecord } from './records.js';

export const SYSTEM_FOLDERS: ReadonlyArray<{ name: string; kind: FolderKind }> = [
  { name: 'Inbox', kind: 'inbox' },
  { name: 'Sent', kind: 'sent' },
  { name: 'Drafts', kind: 'drafts' },
  { name: 'Trash', kind: 'trash' },
  { name: 'Spam', kind: 'spam' },
  { name: 'Archive', kind: 'archive' },
];

type UserRow = { id: number; email: string; name: string | null; passwordHash: string; role: string; enabled: boolean; createdAt: Date };
const toUser = ({ id, email, name, passwordHash, role, enabled, createdAt }: UserRow): UserRecord => ({
  id, email, name, passwordHash, role: role === 'admin' ? 'admin' : 'user', enabled, createdAt,
});

export class UserRepo {
  private mailboxQuery: ReturnType<Database['sqliteReader']['prepare']> | null = null;

  constructor(private readonly db: Database) {}

  /** Creates the user and its six system folders in one transaction. */
  async create(input: { email: string; username?: string | null; name: string | null; passwordHash: string; role?: 'user' | 'admin' }): Promise<UserRecord> {
    const user = await this.db.write((tx) =>
      tx.user.create({
        data: {
          email: input.email,
          username: input.username ?? null,
          name: input.name,
          passwordHash: input.passwordHash,
          role: input.role ?? 'user',
          folders: { create: SYSTEM_FOLDERS.map((f) => ({ name: f.name, kind: f.kind })) },
        },
      }),
    );
    return toUser(user);
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { email } });
    return u ? toUser(u) : null;
  }

  /** whether a username is in use (lower-cased) */
  async usernameTaken(username: string): Promise<boolean> {
    return (await this.db.read.user.findUnique({ where: { username }, select: { id: true } })) !== null;
  }

  async findById(id: number): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { id } });
    return u ? toUser(u) : null;
  }

  /**
   * The delivery facts for one address in a single prepared statement on the
   * reader connection: it runs for every RCPT (and again at DATA for the
   * quota), where a compiled Prisma query would cost more than parsing the mail.
   */
  async findMailbox(email: string): Promise<MailboxRecord | null> {
    const r = this.mailboxStatement().get(email) as
      | { id: number; email: string; enabled: number; quotaMb: number | null; usedBytes: number; inboxFolderId: number }
      | undefined;
    if (!r) return null;
    return {
      userId: r.id,
      email: r.email,
      inboxFolderId: r.inboxFolderId,
      enabled: r.enabled === 1,
      quotaMb: r.quotaMb,
      usedBytes: r.usedBytes,
    };
  }

  private mailboxStatement() {
    this.mailboxQuery ??= this.db.sqliteReader
      .prepare(
        `SELECT u.id AS id, u.email AS email, u.enabled AS enabled, u.quota_mb AS quotaMb,
                u.used_bytes AS usedBytes, f.id AS inboxFolderId
         FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
         WHERE u.email = ? ORDER BY f.id LIMIT 1`,
      )
      .safeIntegers(false);
    return this.mailboxQuery;
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.write((tx) => tx.user.update({ where: { id }, data: { passwordHash } }));
  }

  async first(): Promise<UserRecord | null> {
    const u = await this.db.read.user.findFirst({ orderBy: { id: 'asc' } });
    return u ? toUser(u) : null;
  }

  async anyInDomain(domain: string): Promise<boolean> {
    const u = await this.db.read.user.findFirst({ where: { email: { endsWith: `@${domain}` } }, select: { id: true } });
    return u !== null;
  }

  static isUniqueViolation(err: unknown): boolean {
    return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
  }
}
