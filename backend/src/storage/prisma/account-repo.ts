// Accounts as an operator sees them (role, quota, usage, enabled) and the
// counts behind /api/admin/stats. Removing a user removes every row they own
// (foreign keys cascade), then the blobs nobody references any more.
import { DuplicateKey, type AccountStore } from '../mail-store.js';
import type { AccountChange, AccountRecord } from '../records.js';
import { isUniqueViolation, type PrismaDatabase } from './prisma-database.js';

type Row = {
  id: number; email: string; username: string | null; name: string | null; role: string; quotaMb: number | null;
  usedBytes: bigint; enabled: boolean; createdAt: Date;
};
const SELECT = { id: true, email: true, username: true, name: true, role: true, quotaMb: true, usedBytes: true, enabled: true, createdAt: true } as const;
const toAccount = (r: Row): AccountRecord => ({
  ...r, role: r.role === 'admin' ? 'admin' : 'user', usedBytes: Number(r.usedBytes),
});

export class AccountRepo implements AccountStore {
  /** releaseBlobs: removes the blobs that nothing references any more */
  constructor(
    private readonly db: PrismaDatabase,
    private readonly releaseBlobs: (hashes: string[]) => Promise<void>,
  ) {}

  async list(offset: number, limit: number, after: number | null = null): Promise<{ users: AccountRecord[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.db.read.user.findMany({
        where: after === null ? {} : { id: { gt: after } },
        orderBy: { id: 'asc' },
        skip: after === null ? offset : 0,
        take: limit,
        select: SELECT,
      }),
      this.db.read.user.count(),
    ]);
    return { users: rows.map(toAccount), total };
  }

  async findByEmail(email: string): Promise<AccountRecord | null> {
    const r = await this.db.read.user.findUnique({ where: { email }, select: SELECT });
    return r ? toAccount(r) : null;
  }

  async findByUsername(username: string): Promise<AccountRecord | null> {
    const r = await this.db.read.user.findUnique({ where: { username }, select: SELECT });
    return r ? toAccount(r) : null;
  }

  async findById(id: number): Promise<AccountRecord | null> {
    const r = await this.db.read.user.findUnique({ where: { id }, select: SELECT });
    return r ? toAccount(r) : null;
  }

  async update(id: number, change: AccountChange): Promise<AccountRecord> {
    try {
      // A new password ends every session: tokens carry the version they were issued for.
      const data = change.passwordHash === undefined ? change : { ...change, tokenVersion: { increment: 1 } };
      const r = await this.db.write((tx) => tx.user.update({ where: { id }, data, select: SELECT }));
      return toAccount(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKey(`an account for ${change.email ?? 'that email'} exists`);
      throw err;
    }
  }

  /** Promotes every listed address that has an account; returns how many changed. */
  async promoteAll(emails: readonly string[]): Promise<number> {
    if (emails.length === 0) return 0;
    const { count } = await this.db.write((tx) =>
      tx.user.updateMany({ where: { email: { in: [...emails] }, role: { not: 'admin' } }, data: { role: 'admin' } }),
    );
    return count;
  }

  /** Deletes the user and all their mail, then the blobs only that mail named. */
  async delete(id: number): Promise<void> {
    const named = await this.db.write(async (tx) => {
      const [messages, attachments, queued] = await Promise.all([
        tx.mailMessage.findMany({ where: { userId: id }, select: { rawSha256: true }, distinct: ['rawSha256'] }),
        tx.attachment.findMany({ where: { userId: id }, select: { sha256: true }, distinct: ['sha256'] }),
        tx.outboundMessage.findMany({ where: { userId: id }, select: { rawSha256: true }, distinct: ['rawSha256'] }),
      ]);
      // Their queued outbound mail goes with them: nobody is left to bounce it to.
      await tx.outboundMessage.deleteMany({ where: { userId: id } });
      await tx.user.delete({ where: { id } });
      return [...new Set([...messages.map((m) => m.rawSha256), ...attachments.map((a) => a.sha256), ...queued.map((q) => q.rawSha256)])];
    });
    await this.releaseBlobs(named);
  }

  async usage(): Promise<{ messagesStored: number; totalBytes: number }> {
    const [messagesStored, usage] = await Promise.all([
      this.db.read.mailMessage.count(),
      this.db.read.user.aggregate({ _sum: { usedBytes: true } }),
    ]);
    return { messagesStored, totalBytes: Number(usage._sum.usedBytes ?? 0n) };
  }
}
