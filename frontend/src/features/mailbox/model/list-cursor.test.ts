import type { ThreadSummaryDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { cursorAfterRemoval, cursorRow, moveCursor, neighbourId, pinnedAt, TOP } from './list-cursor';

const rows = (...ids: number[]) =>
  ids.map((id) => ({ id, subject: `s${id}`, messageCount: 1, unreadCount: 0, lastMessageAt: '', snippet: '', participants: [], hasAttachments: false, isStarred: false }) satisfies ThreadSummaryDto);

describe('list cursor', () => {
  it('is on the newest row until moved, also after live mail lands on top', () => {
    expect(cursorRow(rows(3, 2, 1), TOP)).toBe(3);
    expect(cursorRow(rows(9, 3, 2, 1), TOP)).toBe(9);
    expect(cursorRow([], TOP)).toBeNull();
  });

  it('j and k move from the current top row', () => {
    const before = rows(3, 2, 1);
    const after = rows(9, 3, 2, 1); // mail arrived after load
    expect(moveCursor(after, TOP, 1)).toEqual(pinnedAt(3));
    expect(moveCursor(before, TOP, 1)).toEqual(pinnedAt(2));
    expect(moveCursor(after, TOP, -1)).toEqual(pinnedAt(9));
  });

  it('stays on its thread when new rows push it down, and clamps at the ends', () => {
    const cursor = pinnedAt(2);
    expect(cursorRow(rows(9, 3, 2, 1), cursor)).toBe(2);
    expect(moveCursor(rows(3, 2, 1), pinnedAt(1), 1)).toEqual(pinnedAt(1));
    expect(moveCursor(rows(3, 2, 1), pinnedAt(3), -1)).toEqual(pinnedAt(3));
    expect(moveCursor([], TOP, 1)).toEqual(TOP);
  });

  it('falls back to the top when its thread left the list (another tab deleted it)', () => {
    expect(cursorRow(rows(3, 1), pinnedAt(2))).toBe(3);
  });

  it('moves to the row below a removed one, else above, else back to the top', () => {
    expect(cursorAfterRemoval(rows(3, 2, 1), pinnedAt(2), 2)).toEqual(pinnedAt(1));
    expect(cursorAfterRemoval(rows(3, 2, 1), pinnedAt(1), 1)).toEqual(pinnedAt(2));
    expect(cursorAfterRemoval(rows(3), pinnedAt(3), 3)).toEqual(TOP);
    expect(cursorAfterRemoval(rows(3, 2, 1), TOP, 3)).toEqual(pinnedAt(2)); // the top row itself
    expect(cursorAfterRemoval(rows(3, 2, 1), pinnedAt(1), 2)).toEqual(pinnedAt(1)); // another row: unchanged
  });

  it('finds neighbours of an open thread', () => {
    expect(neighbourId(rows(3, 2, 1), 2, 1)).toBe(1);
    expect(neighbourId(rows(3, 2, 1), 2, -1)).toBe(3);
    expect(neighbourId(rows(3, 2, 1), 99, 1)).toBe(3);
  });
});
