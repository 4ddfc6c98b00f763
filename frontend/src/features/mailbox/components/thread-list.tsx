// The scrollable list of one folder's threads. Scrolling near the end loads
// the next page (IntersectionObserver); a button does the same for keyboards
// and for browsers without the observer.
import type { FolderKind, ThreadSummaryDto } from '@contracts/api';
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

export function ThreadList(props: Props) {
  const { state, folderName, folderKind, myAddress, selectedId, openId, onOpen, onToggleStar, onLoadMore, onRetry } = props;
  const sentinel = useRef<HTMLDivElement>(null);
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

  useEffect(() => {
    if (selectedId !== null) document.getElementById(`thread-${selectedId}`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  if (state.status === 'loading' || state.status === 'idle') return <LoadingState label="Loading conversations…" />;
  if (state.status === 'error') return <ErrorState message={state.error ?? 'Could not load conversations.'} onRetry={onRetry} />;
  if (state.threads.length === 0) return <EmptyState title={`No conversations in ${folderName}`} hint="New mail shows up here as soon as it arrives." />;

  return (
    <div className="thread-list-scroll">
      <ul
        className="thread-list"
        role="listbox"
        aria-label={`Conversations in ${folderName}`}
        aria-activedescendant={selectedId !== null ? `thread-${selectedId}` : undefined}
      >
        {state.threads.map((thread) => (
          <ThreadRow
            key={thread.id}
            thread={thread}
            folderKind={folderKind}
            myAddress={myAddress}
            isSelected={thread.id === selectedId}
            isOpen={thread.id === openId}
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
