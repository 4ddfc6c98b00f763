// The signed-in screen: top bar, the routed page (app-routes.tsx), and the
// compose window. This is where features meet: the mailbox gets the reply box
// through a render prop, so features never import each other (STYLE.md 13).
// The socket lives here, above the routes, so it survives navigation.
import type { UserDto } from '@contracts/api';
import { useCallback, useState } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import { ConnectionIndicator } from '../components/connection-indicator';
import { useToast } from '../components/toast';
import { ChatView } from '../features/chat/components/chat-view';
import { ChatOutboxProvider } from '../features/chat/hooks/chat-outbox';
import { ComposeWindow } from '../features/compose/components/compose-window';
import { ReplyBox } from '../features/compose/components/reply-box';
import type { ReplyContext } from '../features/mailbox/components/conversation-view';
import { SearchBox } from '../features/search/components/search-box';
import { useMailSocket } from '../lib/socket';
import { AppRoutes, SEARCH_PATH } from './app-routes';
import { chatRenderers } from './chat-renderers';

interface Props {
  token: string;
  user: UserDto;
  onSignOut: () => void;
}

export function InboxShell({ token, user, onSignOut }: Props) {
  const socket = useMailSocket(token);
  const navigate = useNavigate();
  const location = useLocation();
  const shownQuery = location.pathname === SEARCH_PATH ? (new URLSearchParams(location.search).get('q') ?? '') : '';
  const toast = useToast();
  const [composing, setComposing] = useState(false);
  const openCompose = useCallback(() => setComposing(true), []);
  const renderReply = useCallback(
    (ctx: ReplyContext) => (
      <ReplyBox
        key={ctx.thread.id}
        subject={ctx.thread.subject}
        messages={ctx.messages}
        me={user}
        onSent={() => {
          toast.show('Reply sent');
          ctx.onSent();
        }}
      />
    ),
    [user, toast],
  );
  const renderChat = useCallback(
    (ctx: ReplyContext) => (
      <ChatView key={ctx.thread.id} thread={ctx.thread} messages={ctx.messages} myAddress={user.email} socket={socket} renderers={chatRenderers} />
    ),
    [user.email, socket],
  );

  return (
    <div className="app-shell">
      <header className="top-bar">
        <span className="brand">✉ ChitBox</span>
        <ConnectionIndicator status={socket.status} />
        <nav className="top-bar-nav" aria-label="Sections">
          <NavLink className="top-bar-link" to="/mail/inbox" title="Conversations">
            <Icon name="chat" /><span className="top-bar-link-text"> Chats</span>
          </NavLink>
          <NavLink className="top-bar-link" to="/people" title="People">
            <Icon name="people" /><span className="top-bar-link-text"> People</span>
          </NavLink>
          <NavLink className="top-bar-link" to="/chat/new" title="New chat">
            <Icon name="plus" /><span className="top-bar-link-text"> New chat</span>
          </NavLink>
        </nav>
        <SearchBox current={shownQuery} onSearch={(q) => navigate(`${SEARCH_PATH}?${new URLSearchParams({ q })}`)} />
        <span className="top-bar-spacer" />
        <span className="user-badge" title={user.name ? `${user.name} <${user.email}>` : user.email}>
          <Avatar name={user.name ?? ''} address={user.email} size={28} />
          <span className="user-email" data-testid="user-email">
            {user.email}
          </span>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <ChatOutboxProvider>
        <AppRoutes socket={socket} myAddress={user.email} onCompose={openCompose} renderReply={renderReply} renderChat={renderChat} />
      </ChatOutboxProvider>
      {composing && (
        <ComposeWindow
          onClose={() => setComposing(false)}
          onSent={() => {
            setComposing(false);
            toast.show('Message sent');
          }}
        />
      )}
    </div>
  );
}
