// People one has mailed with: local users with their presence (online, last
// seen), outside addresses without. Each opens the newest conversation with
// them, or starts one. The read-receipt choices live here too.
import type { ContactDto } from '@contracts/api';
import { useEffect, useMemo, useState } from 'react';
import { Avatar } from '../../../components/avatar';
import { ErrorState, LoadingState } from '../../../components/view-states';
import { errorMessage } from '../../../lib/api-error';
import { formatRelativeTime } from '../../../lib/format';
import { useMinuteClock } from '../../../lib/minute-clock';
import type { SocketState } from '../../../lib/socket';
import { fetchContacts } from '../api/chat-api';
import { usePresence } from '../hooks/use-presence';
import { matchContacts } from '../model/contact-match';
import { presenceText } from '../model/presence-text';
import { ChatSettingsPanel } from './chat-settings-panel';
import { PresenceDot } from './presence-dot';
import './chat.css';

interface Props {
  socket: SocketState;
  onOpenConversation: (folderId: number, threadId: number) => void;
  onNewChat: (address: string) => void;
}

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; contacts: ContactDto[] };

export function PeoplePage({ socket, onOpenConversation, onNewChat }: Props) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [query, setQuery] = useState('');
  const now = useMinuteClock();

  useEffect(() => {
    const controller = new AbortController();
    fetchContacts(controller.signal).then(
      (contacts) => setLoad({ status: 'ready', contacts }),
      (e) => !controller.signal.aborted && setLoad({ status: 'error', message: errorMessage(e) }),
    );
    return () => controller.abort();
  }, [attempt, socket.reconnects]);

  const contacts = useMemo(() => (load.status === 'ready' ? load.contacts : []), [load]);
  const locals = useMemo(() => contacts.filter((c) => c.local).map((c) => c.address), [contacts]);
  const presence = usePresence(socket, locals);
  const shown = useMemo(() => {
    const matched = matchContacts(contacts, query, contacts.length);
    // Who is here now first, then the other local users, then everyone else (most recent first within each).
    const rank = (c: ContactDto) => (presence.get(c.address.toLowerCase())?.online ? 0 : c.local ? 1 : 2);
    return query.trim() ? matched : [...matched].sort((a, b) => rank(a) - rank(b));
  }, [contacts, query, presence]);

  return (
    <main className="chat-page" aria-label="People">
      <div className="chat-page-inner">
        <h1>People</h1>
        <input type="search" aria-label="Find a person" placeholder="Find a person or type an address" value={query} onChange={(e) => setQuery(e.target.value)} />
        {load.status === 'loading' && <LoadingState label="Loading people…" />}
        {load.status === 'error' && <ErrorState message={load.message} onRetry={() => setAttempt((n) => n + 1)} />}
        {load.status === 'ready' && shown.length === 0 && (
          <p className="muted">
            {query.includes('@') ? (
              <button type="button" className="link-button" onClick={() => onNewChat(query.trim())}>
                Start a chat with {query.trim()}
              </button>
            ) : contacts.length === 0 ? (
              'Nobody yet: people appear here once you have written with them.'
            ) : (
              'Nobody matches.'
            )}
          </p>
        )}
        {shown.length > 0 && (
          <ul className="people-list">
            {shown.map((c) => {
              const p = presence.get(c.address.toLowerCase());
              return (
                <li key={c.address} className="person-row" data-testid="person-row" data-address={c.address}>
                  <span className="chat-person-avatar">
                    <Avatar name={c.name} address={c.address} size={36} />
                    <PresenceDot presence={p} />
                  </span>
                  <span className="person-main">
                    <span className="person-name">{c.name || c.address}</span>
                    <span className="person-detail">
                      {c.name ? `${c.address} · ` : ''}
                      {p ? presenceText(p, new Date(now)) : `last message ${formatRelativeTime(c.lastMessageAt, new Date(now))}`}
                    </span>
                  </span>
                  <button
                    type="button"
                    onClick={() => (c.lastThread ? onOpenConversation(c.lastThread.folderId, c.lastThread.id) : onNewChat(c.address))}
                  >
                    Chat
                  </button>
                  <button type="button" className="link-button" onClick={() => onNewChat(c.address)} title="Start a new conversation">
                    New
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <ChatSettingsPanel />
      </div>
    </main>
  );
}
