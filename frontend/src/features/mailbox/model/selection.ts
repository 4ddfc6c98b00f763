// Which thread the keyboard cursor lands on when moving or when one disappears.
import type { ThreadSummaryDto } from '@contracts/api';

export function neighbourId(threads: readonly ThreadSummaryDto[], currentId: number | null, step: 1 | -1): number | null {
  if (threads.length === 0) return null;
  const index = threads.findIndex((t) => t.id === currentId);
  if (index === -1) return threads[0]!.id;
  const next = Math.min(threads.length - 1, Math.max(0, index + step));
  return threads[next]!.id;
}

/** After `removedId` leaves the list: the one below it, else the one above, else none. */
export function selectionAfterRemoval(threads: readonly ThreadSummaryDto[], removedId: number): number | null {
  const index = threads.findIndex((t) => t.id === removedId);
  if (index === -1) return null;
  return threads[index + 1]?.id ?? threads[index - 1]?.id ?? null;
}
