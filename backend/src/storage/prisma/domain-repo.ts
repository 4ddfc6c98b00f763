// The local domains an admin added (MAIL_DOMAINS is the config's own list).
import type { DomainStore } from '../mail-store.js';
import { type PrismaDatabase } from './prisma-database.js';

export class DomainRepo implements DomainStore {
  constructor(private readonly db: PrismaDatabase) {}

  async list(): Promise<string[]> {
    const rows = await this.db.read.localDomain.findMany({ orderBy: { domain: 'asc' }, select: { domain: true } });
    return rows.map((r) => r.domain);
  }

  async has(domain: string): Promise<boolean> {
    return (await this.db.read.localDomain.findUnique({ where: { domain }, select: { domain: true } })) !== null;
  }

  async add(domain: string): Promise<boolean> {
    // Writes run one after another, so nothing comes between the look and the insert.
    return this.db.write(async (tx) => {
      if (await tx.localDomain.findUnique({ where: { domain }, select: { domain: true } })) return false;
      await tx.localDomain.create({ data: { domain } });
      return true;
    });
  }

  async remove(domain: string): Promise<boolean> {
    const { count } = await this.db.write((tx) => tx.localDomain.deleteMany({ where: { domain } }));
    return count > 0;
  }
}
