// The scrollable list of one folder's threads, virtualised (TanStack
// Virtual): only the rows in view, and a few either side, are in the DOM, so
// a folder scrolled through thousands of conversations stays as quick as one
// page. Rows are measured as they render (their height varies with the
// text). Scrolling near the end loads the next page (IntersectionObserver);
// a button does the same for keyboards and for browsers without the observer.
import type { FolderKind, ThreadSummaryDto } from '@contracts/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { EmptyState, ErrorState, LoadingState } from '../../../components/view-states';
import type { ThreadListState } from '../model/thread-list-state';
import { ThreadRow } from './thread-row';

interface Props {
  state: ThreadListState;
  folderName: string;
  folderKind: FolderKind | undefined;
  myAddress: string;
  selectedId: number | null;
  openId: number | null;
  onOpen: (thread: ThreadSummaryDto) => void;
  onToggleStar: (thread: ThreadSummaryDto) => void;
  onLoadMore: () => void;
  onRetry: () => void;
}

/** A row with one line of subject and one of snippet; rows are measured once rendered. */
const ROW_ESTIMATE_PX = 78;

export function ThreadList(props: Props) {
  const { state, folderName, folderKind, myAddress, selectedId, openId, onOpen, onToggleStar, onLoadMore, onRetry } = props;
  const sentinel = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const threads = state.threads;
  const virtualizer = useVirtualizer({
    count: threads.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    getItemKey: (index) => threads[index]!.id,
    overscan: 8,
    // Rows in the first render, before the scroller is measured: the first paint shows the list.
    initialRect: { width: 0, height: 900 },
  });
  const loadMore = useRef(onLoadMore);
  loadMore.current = onLoadMore;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore.current();
    }, { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [state.status, state.nextCursor]);

  const shown = useRef(threads);
  shown.current = threads;
  // The selected row may not be in the DOM: scroll to it by index, which renders it.
  useEffect(() => {
    if (selectedId === null) return;
    const index = shown.current.findIndex((t) => t.id === selectedId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedId, virtualizer]);

  if (state.status === 'loading' || state.status === 'idle') return <LoadingState label="Loading conversations…" />;
  if (state.status === 'error') return <ErrorState message={state.error ?? 'Could not load conversations.'} onRetry={onRetry} />;
  if (threads.length === 0) return <EmptyState title={`No conversations in ${folderName}`} hint="New mail shows up here as soon as it arrives." />;

  return (
    <div className="thread-list-scroll" ref={scroller}>
      <ul
        className="thread-list"
        role="listbox"
        aria-label={`Conversations in ${folderName}`}
        aria-activedescendant={selectedId !== null ? `thread-${selectedId}` : undefined}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
      >
        {virtualizer.getVirtualItems().map((item) => (
          <ThreadRow
            key={item.key}
            index={item.index}
            setSize={state.nextCursor ? -1 : threads.length}
            top={item.start}
            measure={virtualizer.measureElement}
            thread={threads[item.index]!}
            folderKind={folderKind}
            myAddress={myAddress}
            isSelected={threads[item.index]!.id === selectedId}
            isOpen={threads[item.index]!.id === openId}
            onOpen={onOpen}
            onToggleStar={onToggleStar}
          />
        ))}
      </ul>
      {state.error && <ErrorState message={state.error} onRetry={onLoadMore} />}
      {state.nextCursor && (
        <div ref={sentinel} className="load-more">
          {state.loadingMore ? (
            <LoadingState label="Loading more…" />
          ) : (
            <button type="button" onClick={onLoadMore}>
              Load more
            </button>
          )}
        </div>
      )}
    </div>
  );
}
