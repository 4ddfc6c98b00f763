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
const toUser = (u: UserRow): UserRecord => ({ ...u, role: u.role === 'admin' ? 'admin' : 'user' });

export class UserRepo {
  constructor(private readonly db: Database) {}

  /** Creates the user and its six system folders in one transaction. */
  async create(input: { email: string; name: string | null; passwordHash: string; role?: 'user' | 'admin' }): Promise<UserRecord> {
    const user = await this.db.write((tx) =>
      tx.user.create({
        data: {
          email: input.email,
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

  async findById(id: number): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { id } });
    return u ? toUser(u) : null;
  }

  /**
   * The delivery facts for one address in a single statement: it runs for
   * every RCPT, where one Prisma model query per fact would cost more than
   * parsing the message.
   */
  async findMailbox(email: string): Promise<MailboxRecord | null> {
    const rows = await this.db.read.$queryRaw<Array<Record<string, unknown>>>`
      SELECT u.id AS id, u.email AS email, u.enabled AS enabled, u.quota_mb AS quotaMb,
             u.used_bytes AS usedBytes, f.id AS inboxFolderId
      FROM users u JOIN folders f ON f.user_id = u.id AND f.kind = 'inbox'
      WHERE u.email = ${email}
      ORDER BY f.id LIMIT 1`;
    const r = rows[0];
    if (!r) return null;
    return {
      userId: Number(r.id),
      email: String(r.email),
      inboxFolderId: Number(r.inboxFolderId),
      enabled: Number(r.enabled) === 1 || r.enabled === true,
      quotaMb: r.quotaMb === null || r.quotaMb === undefined ? null : Number(r.quotaMb),
      usedBytes: Number(r.usedBytes),
    };
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
