// Folders with their counts, always scoped by owner.
import type { FolderKind } from '../../contracts/api.js';
import { DuplicateKey, type FolderStore } from '../mail-store.js';
import type { FolderRecord, FolderWithCounts } from '../records.js';
import { moveInto } from './imap-counters.js';
import { refreshSummaries } from './summary-refresh.js';
import { isUniqueViolation, type PrismaDatabase } from './prisma-database.js';

const ORDER: Record<string, number> = { inbox: 0, sent: 1, drafts: 2, archive: 3, spam: 4, trash: 5, custom: 6 };
const toFolder = (f: { id: number; userId: number; name: string; kind: string }): FolderRecord => ({
  id: f.id,
  userId: f.userId,
  name: f.name,
  kind: f.kind as FolderKind,
});

export class FolderRepo implements FolderStore {
  constructor(private readonly db: PrismaDatabase) {}

  /** The counters are kept with every change to the folder's messages: no count per request. */
  async listWithCounts(userId: number): Promise<FolderWithCounts[]> {
    const folders = await this.db.read.folder.findMany({ where: { userId }, orderBy: { id: 'asc' } });
    return folders
      .map((f) => ({ ...toFolder(f), totalCount: f.totalCount, unreadCount: f.unreadCount }))
      .sort((a, b) => (ORDER[a.kind] ?? 9) - (ORDER[b.kind] ?? 9) || a.id - b.id);
  }

  async findOwned(userId: number, folderId: number): Promise<FolderRecord | null> {
    const f = await this.db.read.folder.findFirst({ where: { id: folderId, userId } });
    return f ? toFolder(f) : null;
  }

  async findByKind(userId: number, kind: FolderKind): Promise<FolderRecord | null> {
    const f = await this.db.read.folder.findFirst({ where: { userId, kind }, orderBy: { id: 'asc' } });
    return f ? toFolder(f) : null;
  }

  async create(userId: number, name: string): Promise<FolderRecord> {
    return this.unique(name, async () => toFolder(await this.db.write((tx) => tx.folder.create({ data: { userId, name, kind: 'custom' } }))));
  }

  async rename(userId: number, folderId: number, name: string): Promise<FolderRecord | null> {
    return this.unique(name, () =>
      this.db.write(async (tx) => {
        const folder = await tx.folder.findFirst({ where: { id: folderId, userId } });
        if (!folder) return null;
        // Nested folders are named by their path: "a/b" moves with "a".
        const nested = await tx.folder.findMany({ where: { userId, name: { startsWith: `${folder.name}/` } } });
        const renamed = await tx.folder.update({ where: { id: folderId }, data: { name } });
        for (const child of nested) {
          await tx.folder.update({ where: { id: child.id }, data: { name: name + child.name.slice(folder.name.length) } });
        }
        return toFolder(renamed);
      }),
    );
  }

  async remove(userId: number, folderId: number, mailTo: number): Promise<boolean> {
    return this.db.write(async (tx) => {
      const folder = await tx.folder.findFirst({ where: { id: folderId, userId }, select: { id: true } });
      if (!folder) return false;
      const mail = await tx.mailMessage.findMany({ where: { folderId }, select: { id: true, threadId: true }, orderBy: { uid: 'asc' } });
      await moveInto(tx, userId, mailTo, mail.map((m) => m.id));
      // The mail's thread summaries and counters follow it into mailTo, in this transaction.
      await refreshSummaries(tx, mail.flatMap((m) => [{ threadId: m.threadId, folderId }, { threadId: m.threadId, folderId: mailTo }]));
      await tx.folder.delete({ where: { id: folderId } });
      return true;
    });
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKey(`a folder named ${name} exists`);
      throw err;
    }
  }
}
