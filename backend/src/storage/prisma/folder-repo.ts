// Folders with their counts, always scoped by owner.
import type { FolderKind } from '../../contracts/api.js';
import type { FolderStore } from '../mail-store.js';
import type { FolderRecord, FolderWithCounts } from '../records.js';
import type { PrismaDatabase } from './prisma-database.js';

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
}
