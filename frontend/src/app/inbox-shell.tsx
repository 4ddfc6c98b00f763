// The signed-in screen: top bar, the routed page (app-routes.tsx), and the
// compose window. This is where features meet: the mailbox gets the reply box
// through a render prop, so features never import each other (STYLE.md 13).
// The socket lives here, above the routes, so it survives navigation.
import type { UserDto } from '@contracts/api';
import { useCallback, useState } from 'react';
import { Avatar } from '../components/avatar';
import { ConnectionIndicator } from '../components/connection-indicator';
import { useToast } from '../components/toast';
import { ComposeWindow } from '../features/compose/components/compose-window';
import { ReplyBox } from '../features/compose/components/reply-box';
import type { ReplyContext } from '../features/mailbox/components/conversation-view';
import { useMailSocket } from '../lib/socket';
import { AppRoutes } from './app-routes';

interface Props {
  token: string;
  user: UserDto;
  onSignOut: () => void;
}

export function InboxShell({ token, user, onSignOut }: Props) {
  const socket = useMailSocket(token);
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

  return (
    <div className="app-shell">
      <header className="top-bar">
        <span className="brand">✉ ChitBox</span>
        <ConnectionIndicator status={socket.status} />
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
      <AppRoutes socket={socket} myAddress={user.email} onCompose={openCompose} renderReply={renderReply} />
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
