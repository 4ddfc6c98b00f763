// Thread summaries and folder counters through Prisma's query API, for the
// changes the repositories make (moves, flags, deletes): recounted from the
// messages inside the same write transaction, so every engine that runs
// these repositories keeps them exactly as its delivery path does.
import { countsDelta, distinctKeys, summarize, type SummaryKey, type SummaryRow } from '../thread-summary.js';
import type { Tx } from './prisma-database.js';

const SOURCE_SELECT = {
  id: true, userId: true, folderId: true, threadId: true, fromEmail: true, fromName: true, toJson: true,
  subject: true, snippet: true, isRead: true, isStarred: true, hasAttachments: true, createdAt: true,
} as const;

/** Recounts these (thread, folder) summaries and moves the folder counters by the difference. Call inside tx. */
export async function refreshSummaries(tx: Tx, keys: Iterable<SummaryKey>): Promise<void> {
  for (const key of distinctKeys(keys)) {
    const where = { folderId_threadId: { folderId: key.folderId, threadId: key.threadId } };
    const before: SummaryRow | null = await tx.threadSummary.findUnique({ where });
    const [thread, messages] = await Promise.all([
      tx.mailThread.findUnique({ where: { id: key.threadId }, select: { subject: true } }),
      tx.mailMessage.findMany({ where: { threadId: key.threadId, folderId: key.folderId }, select: SOURCE_SELECT }),
    ]);
    const after = summarize(thread?.subject ?? '', messages);
    if (after) await tx.threadSummary.upsert({ where, create: after, update: after });
    else if (before) await tx.threadSummary.delete({ where });
    const delta = countsDelta(before, after);
    if (delta.total !== 0 || delta.unread !== 0) {
      await tx.folder.update({
        where: { id: key.folderId },
        data: { totalCount: { increment: delta.total }, unreadCount: { increment: delta.unread } },
      });
    }
  }
}
