// A folder's IMAP counters, moved inside the write transaction that stores,
// moves or changes its messages: a UID or MODSEQ is never handed out twice,
// and a crash cannot leave a message without one.
import type { MovedMessage } from '../mail-store.js';
import type { Tx } from './prisma-database.js';

/**
 * Takes `count` UIDs of the user's folder (RFC 3501 2.3.1.1: strictly
 * ascending, never reused) and one new MODSEQ for the change; null when the
 * folder is not the user's.
 */
export async function claimUids(tx: Tx, userId: number, folderId: number, count: number): Promise<{ firstUid: number; modseq: number } | null> {
  const claimed = await tx.folder.updateManyAndReturn({
    where: { id: folderId, userId },
    data: { uidNext: { increment: count }, highestModseq: { increment: 1 } },
    select: { uidNext: true, highestModseq: true },
  });
  const folder = claimed[0];
  return folder ? { firstUid: folder.uidNext - count, modseq: folder.highestModseq } : null;
}

/** The next MODSEQ of a folder, for a change to its messages' flags. */
export async function nextModseq(tx: Tx, folderId: number): Promise<number> {
  const folder = await tx.folder.update({ where: { id: folderId }, data: { highestModseq: { increment: 1 } }, select: { highestModseq: true } });
  return folder.highestModseq;
}

/** A move: each message gets the next UID of its new folder, in the order it had (ids ordered by old folder and UID). */
export async function moveInto(
  tx: Tx, userId: number, folderId: number, ids: number[], flags: { isRead?: boolean; isStarred?: boolean } = {},
): Promise<MovedMessage[]> {
  if (ids.length === 0) return [];
  const claimed = await claimUids(tx, userId, folderId, ids.length);
  // The core checks ownership first; failing here keeps a caller's slip from dropping mail.
  if (!claimed) throw new Error(`folder ${folderId} is not user ${userId}'s`);
  const moved = ids.map((id, i) => ({ id, uid: claimed.firstUid + i }));
  for (const m of moved) {
    await tx.mailMessage.update({ where: { id: m.id }, data: { ...flags, folderId, uid: m.uid, modseq: claimed.modseq } });
  }
  return moved;
}
