// Loads a folder's threads page by page and exposes the reducer for live
// events and optimistic actions (see thread-list-state.ts). The first page of
// a system folder named in the address (/mail/inbox) is asked for by its kind
// at once, beside the folder list rather than after it: the list shows one
// round trip after the inbox starts.
import type { FolderKind, ThreadListResponse } from '@contracts/api';
import type { NewEmailEvent } from '@contracts/events';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { config } from '../../../config/config';
import { errorMessage } from '../../../lib/api-error';
import { fetchThreads } from '../api/mailbox-api';
import type { SystemKind } from '../model/mailbox-location';
import { initialThreadListState, threadListReducer, type ThreadListAction, type ThreadListState } from '../model/thread-list-state';
import { useDebouncedCallback } from './use-debounced-callback';

export interface ThreadList {
  state: ThreadListState;
  dispatch: (action: ThreadListAction) => void;
  loadMore: () => void;
  reload: () => void;
  /** Refetch the first page soon (after events we cannot apply exactly). */
  scheduleHeadRefresh: () => void;
  applyNewEmail: (event: NewEmailEvent) => void;
}

export function useThreadList(folder: { id: number; kind: FolderKind } | null, routeKind: SystemKind | null): ThreadList {
  const folderId = folder?.id ?? null;
  const [state, dispatch] = useReducer(threadListReducer, initialThreadListState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const early = useRef<{ kind: SystemKind; page: Promise<ThreadListResponse> } | null>(null);

  // Before the folders are known: the page the address names, by kind.
  useEffect(() => {
    if (folderId !== null || routeKind === null || early.current?.kind === routeKind) return;
    const page = fetchThreads(routeKind, config.pageSize, null);
    page.catch(() => undefined); // a failure is reported when the page is used, or never
    early.current = { kind: routeKind, page };
  }, [folderId, routeKind]);

  const loadFirstPage = useCallback((id: number, kind?: FolderKind) => {
    dispatch({ type: 'reset', folderId: id });
    const prefetched = early.current && early.current.kind === kind ? early.current.page : null;
    early.current = null;
    (prefetched ?? fetchThreads(id, config.pageSize, null)).then(
      (page) => dispatch({ type: 'pageLoaded', folderId: id, threads: page.threads, nextCursor: page.nextCursor, append: false }),
      (e) => dispatch({ type: 'loadFailed', folderId: id, message: errorMessage(e) }),
    );
  }, []);

  const folderKind = folder?.kind;
  useEffect(() => {
    if (folderId !== null) loadFirstPage(folderId, folderKind);
  }, [folderId, folderKind, loadFirstPage]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.folderId === null || !current.nextCursor || current.loadingMore || current.status !== 'ready') return;
    const id = current.folderId;
    dispatch({ type: 'loadMoreStarted' });
    fetchThreads(id, config.pageSize, current.nextCursor).then(
      (page) => dispatch({ type: 'pageLoaded', folderId: id, threads: page.threads, nextCursor: page.nextCursor, append: true }),
      (e) => dispatch({ type: 'loadFailed', folderId: id, message: errorMessage(e) }),
    );
  }, []);

  const refreshHead = useCallback(() => {
    const id = stateRef.current.folderId;
    if (id === null) return;
    if (stateRef.current.status === 'error') return loadFirstPage(id);
    // Refetch as many as are loaded (bounded) so the visible part is all fresh.
    const limit = Math.min(Math.max(stateRef.current.threads.length, config.pageSize), 100);
    fetchThreads(id, limit, null).then(
      (page) => dispatch({ type: 'headRefreshed', folderId: id, threads: page.threads, nextCursor: page.nextCursor }),
      () => undefined, // keep what is shown; the next event or reconnect tries again
    );
  }, [loadFirstPage]);

  const scheduleHeadRefresh = useDebouncedCallback(refreshHead, 120);
  const reload = useCallback(() => {
    if (stateRef.current.folderId !== null) loadFirstPage(stateRef.current.folderId);
  }, [loadFirstPage]);
  const applyNewEmail = useCallback((event: NewEmailEvent) => dispatch({ type: 'newEmail', event }), []);

  return { state, dispatch, loadMore, reload, scheduleHeadRefresh, applyNewEmail };
}
