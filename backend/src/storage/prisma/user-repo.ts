// Users and their system folders.
import type { FolderKind } from '../../contracts/api.js';
import { DuplicateKey, type UserStore } from '../mail-store.js';
import type { MailboxRecord, UserRecord } from '../records.js';
import { isUniqueViolation, type PrismaDatabase } from './prisma-database.js';

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

export class UserRepo implements UserStore {
  /**
   * findMailbox: an engine may answer it with its own prepared statement (it
   * runs at every RCPT); the Prisma query here is the portable default.
   */
  constructor(
    private readonly db: PrismaDatabase,
    readonly findMailbox: (email: string) => Promise<MailboxRecord | null> = (email) => findMailboxWithPrisma(db, email),
  ) {}

  async create(input: { email: string; name: string | null; passwordHash: string; role?: 'user' | 'admin' }): Promise<UserRecord> {
    try {
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
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKey(`an account for ${input.email} exists`);
      throw err;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { email } });
    return u ? toUser(u) : null;
  }

  async findById(id: number): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { id } });
    return u ? toUser(u) : null;
  }

  async first(): Promise<UserRecord | null> {
    const u = await this.db.read.user.findFirst({ orderBy: { id: 'asc' } });
    return u ? toUser(u) : null;
  }

  async anyInDomain(domain: string): Promise<boolean> {
    const u = await this.db.read.user.findFirst({ where: { email: { endsWith: `@${domain}` } }, select: { id: true } });
    return u !== null;
  }
}

async function findMailboxWithPrisma(db: PrismaDatabase, email: string): Promise<MailboxRecord | null> {
  const u = await db.read.user.findUnique({
    where: { email },
    select: {
      id: true, email: true, enabled: true, quotaMb: true, usedBytes: true,
      folders: { where: { kind: 'inbox' }, orderBy: { id: 'asc' }, take: 1, select: { id: true } },
    },
  });
  const inbox = u?.folders[0];
  if (!u || !inbox) return null;
  return { userId: u.id, email: u.email, inboxFolderId: inbox.id, enabled: u.enabled, quotaMb: u.quotaMb, usedBytes: Number(u.usedBytes) };
}
