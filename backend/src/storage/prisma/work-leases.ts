// Claiming work once among instances, in Prisma's query API so every engine
// shares it. A claim is one conditional UPDATE over the ids a read found:
// the condition is checked again by the UPDATE itself, so when two instances
// read the same due rows, the second UPDATE (PostgreSQL re-checks a row that
// a concurrent transaction changed; SQLite runs writers one at a time)
// matches only the rows still claimable, and no row goes to both.
import type { Lease } from '../mail-store.js';

/** Due rows, and rows being sent whose holder's lease ran out (or that predate leases). */
export function claimable(now: Date) {
  return {
    OR: [
      { status: { in: ['pending', 'retry'] }, nextAttemptAt: { lte: now } },
      { status: 'sending', OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
    ],
  };
}

/** The claim's read: the ids of claimable rows, the longest due first. */
export const claimRead = (now: Date, limit: number) => ({
  where: claimable(now),
  orderBy: [{ nextAttemptAt: 'asc' as const }, { id: 'asc' as const }],
  take: limit,
  select: { id: true } as const,
});

export const leaseColumns = (lease: Lease) => ({ status: 'sending', leaseOwner: lease.owner, leaseUntil: lease.until });

/** A finished or handed-back row holds no lease. */
export const noLease = { leaseOwner: null, leaseUntil: null };

/** Rows the owner holds, for a renewal or a hand-back. */
export const heldBy = (ids: readonly number[], owner: string) => ({ id: { in: [...ids] }, status: 'sending', leaseOwner: owner });

/** The order of the claim's read, kept in what it returns (an UPDATE's rows come back in any order). */
export function inOrderOf<T extends { id: number }>(ids: readonly number[], rows: T[]): T[] {
  const at = new Map(ids.map((id, i) => [id, i]));
  return [...rows].sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}
