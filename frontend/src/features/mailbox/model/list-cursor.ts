// The keyboard cursor of the thread list (j/k to move, Enter to open). Until
// the user moves it, it is not a row but "the top": the newest row, whatever
// live mail has put there since the page loaded. Once moved (or a thread
// opened), it stays on that thread while the list changes around it.
import type { ThreadSummaryDto } from '@contracts/api';

export type ListCursor = { pinned: false } | { pinned: true; id: number };

export const TOP: ListCursor = { pinned: false };

export const pinnedAt = (id: number): ListCursor => ({ pinned: true, id });

/** The row the cursor is on: its thread while listed, else the top row. */
export function cursorRow(threads: readonly ThreadSummaryDto[], cursor: ListCursor): number | null {
  if (cursor.pinned && threads.some((t) => t.id === cursor.id)) return cursor.id;
  return threads[0]?.id ?? null;
}

/** The neighbour of `fromId` (or of the top when it is not listed), clamped to the list. */
export function neighbourId(threads: readonly ThreadSummaryDto[], fromId: number | null, step: 1 | -1): number | null {
  if (threads.length === 0) return null;
  const index = threads.findIndex((t) => t.id === fromId);
  if (index === -1) return threads[0]!.id;
  return threads[Math.min(threads.length - 1, Math.max(0, index + step))]!.id;
}

export function moveCursor(threads: readonly ThreadSummaryDto[], cursor: ListCursor, step: 1 | -1): ListCursor {
  const next = neighbourId(threads, cursorRow(threads, cursor), step);
  return next === null ? cursor : pinnedAt(next);
}

/** Before `removedId` leaves the list: a cursor on it goes to the row below, else the one above. */
export function cursorAfterRemoval(threads: readonly ThreadSummaryDto[], cursor: ListCursor, removedId: number): ListCursor {
  if (cursorRow(threads, cursor) !== removedId) return cursor;
  const index = threads.findIndex((t) => t.id === removedId);
  const next = threads[index + 1]?.id ?? threads[index - 1]?.id;
  return next === undefined ? TOP : pinnedAt(next);
}
