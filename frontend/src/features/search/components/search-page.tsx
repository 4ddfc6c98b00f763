// Search results (/search?q=...): best match first, the matched words marked
// in the subject, sender and text; a result opens its conversation. Bad
// queries show the server's reason (which operator, which date).
import type { SearchResultDto } from '@contracts/api';
import { useEffect, useState } from 'react';
import { ErrorState, LoadingState } from '../../../components/view-states';
import { errorMessage } from '../../../lib/api-error';
import { formatRelativeTime } from '../../../lib/format';
import { searchMail } from '../api/search-api';
import { HighlightedText } from './highlighted-text';
import './search.css';

interface Props {
  query: string;
  onOpen: (folderId: number, threadId: number) => void;
}

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; results: SearchResultDto[]; nextCursor: string | null; more: 'idle' | 'loading' };

export function SearchPage({ query, onOpen }: Props) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setLoad({ status: 'loading' });
    searchMail(query, null, abort.signal).then(
      (r) => setLoad({ status: 'ready', results: r.messages, nextCursor: r.nextCursor, more: 'idle' }),
      (err: unknown) => !abort.signal.aborted && setLoad({ status: 'error', message: errorMessage(err) }),
    );
    return () => abort.abort();
  }, [query, attempt]);

  const loadMore = () => {
    if (load.status !== 'ready' || !load.nextCursor) return;
    setLoad({ ...load, more: 'loading' });
    searchMail(query, load.nextCursor).then(
      (r) => setLoad({ status: 'ready', results: [...load.results, ...r.messages], nextCursor: r.nextCursor, more: 'idle' }),
      (err: unknown) => setLoad({ status: 'error', message: errorMessage(err) }),
    );
  };

  return (
    <main className="search-page" aria-label="Search results">
      <h1 className="search-title">Results for <q>{query}</q></h1>
      {load.status === 'loading' && <LoadingState label="Searching…" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={() => setAttempt((n) => n + 1)} />}
      {load.status === 'ready' && load.results.length === 0 && <p className="search-empty">No mail matches.</p>}
      {load.status === 'ready' && load.results.length > 0 && (
        <ol className="search-results">
          {load.results.map((m) => (
            <li key={m.id}>
              <button type="button" className={m.isRead ? 'search-hit' : 'search-hit unread'} onClick={() => onOpen(m.folderId, m.threadId)}>
                <span className="search-hit-from"><HighlightedText html={m.highlight.from} /></span>
                <span className="search-hit-subject">{m.isStarred ? '★ ' : ''}<HighlightedText html={m.highlight.subject || '(no subject)'} /></span>
                <span className="search-hit-snippet"><HighlightedText html={m.highlight.snippet} /></span>
                {m.highlight.attachments.length > 0 && (
                  <span className="search-hit-files">📎 {m.highlight.attachments.map((a, i) => <HighlightedText key={i} html={`${i ? ', ' : ''}${a}`} />)}</span>
                )}
                <time className="search-hit-time" dateTime={m.createdAt}>{formatRelativeTime(m.createdAt)}</time>
              </button>
            </li>
          ))}
        </ol>
      )}
      {load.status === 'ready' && load.nextCursor && (
        <button type="button" className="search-more" disabled={load.more === 'loading'} onClick={loadMore}>
          {load.more === 'loading' ? 'Loading…' : 'More results'}
        </button>
      )}
    </main>
  );
}
