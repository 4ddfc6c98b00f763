// The list's keyboard cursor (list-cursor.ts) for the folder on screen: a
// folder always starts at its top, with no effect needed to reset it.
import type { ThreadSummaryDto } from '@contracts/api';
import { useCallback, useState } from 'react';
import { cursorAfterRemoval, cursorRow, moveCursor, pinnedAt, TOP, type ListCursor } from '../model/list-cursor';

export interface ListCursorApi {
  /** the thread the cursor is on */
  row: number | null;
  pin(threadId: number): void;
  move(step: 1 | -1): void;
  /** call before a thread leaves the list */
  beforeRemoval(threadId: number): void;
}

export function useListCursor(folderId: number | null, threads: readonly ThreadSummaryDto[]): ListCursorApi {
  const [state, setState] = useState<{ folderId: number | null; cursor: ListCursor }>({ folderId, cursor: TOP });
  const cursor = state.folderId === folderId ? state.cursor : TOP;
  const update = useCallback(
    (next: (c: ListCursor) => ListCursor) =>
      setState((s) => ({ folderId, cursor: next(s.folderId === folderId ? s.cursor : TOP) })),
    [folderId],
  );
  const pin = useCallback((id: number) => update(() => pinnedAt(id)), [update]);
  return {
    row: cursorRow(threads, cursor),
    pin,
    move: (step) => update((c) => moveCursor(threads, c, step)),
    beforeRemoval: (id) => update((c) => cursorAfterRemoval(threads, c, id)),
  };
}
