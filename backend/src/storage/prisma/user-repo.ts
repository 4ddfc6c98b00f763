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

export type UserRow = {
  id: number; email: string; name: string | null; passwordHash: string; role: string; enabled: boolean; tokenVersion: number; createdAt: Date;
};
// Field by field: a row carries more (username, quota, usage) than a UserRecord is.
export const toUser = ({ id, email, name, passwordHash, role, enabled, tokenVersion, createdAt }: UserRow): UserRecord => ({
  id, email, name, passwordHash, role: role === 'admin' ? 'admin' : 'user', enabled, tokenVersion, createdAt,
});

/**
 * The user reads an engine may answer with its own prepared statements:
 * findMailbox runs at every RCPT, findById at every API request (the token
 * check), where a compiled Prisma query costs more than the work itself.
 */
export interface UserReads {
  findMailbox(email: string): Promise<MailboxRecord | null>;
  findById(id: number): Promise<UserRecord | null>;
}

export class UserRepo implements UserStore {
  readonly findMailbox: UserReads['findMailbox'];
  readonly findById: UserReads['findById'];

  /** `reads`: the engine's own; what it leaves out is the portable Prisma query. */
  constructor(
    private readonly db: PrismaDatabase,
    reads: Partial<UserReads> = {},
  ) {
    this.findMailbox = reads.findMailbox?.bind(reads) ?? ((email) => findMailboxWithPrisma(db, email));
    this.findById = reads.findById?.bind(reads) ?? (async (id) => {
      const u = await db.read.user.findUnique({ where: { id } });
      return u ? toUser(u) : null;
    });
  }

  async create(input: { email: string; username?: string | null; name: string | null; passwordHash: string; role?: 'user' | 'admin' }): Promise<UserRecord> {
    try {
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
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKey(`an account for ${input.email}${input.username ? ` or ${input.username}` : ''} exists`);
      throw err;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const u = await this.db.read.user.findUnique({ where: { email } });
    return u ? toUser(u) : null;
  }

  async usernameTaken(username: string): Promise<boolean> {
    return (await this.db.read.user.findUnique({ where: { username }, select: { id: true } })) !== null;
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.write((tx) => tx.user.update({ where: { id }, data: { passwordHash } }));
  }

  async first(): Promise<UserRecord | null> {
    const u = await this.db.read.user.findFirst({ orderBy: { id: 'asc' } });
    return u ? toUser(u) : null;
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
