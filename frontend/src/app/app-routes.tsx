// The inbox's addresses. Today: a folder (/mail/inbox, /mail/40 for a custom
// folder) and a conversation in it (/mail/inbox/123); anything else goes to
// the Inbox. One route with an optional segment, so moving between a folder
// and a conversation keeps the mailbox mounted (its list, cursor and scroll).
// Routes to come sit beside it without touching it (a people list, a new chat).
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { MailboxPage } from '../features/mailbox/components/mailbox-page';
import type { ReplyContext } from '../features/mailbox/components/conversation-view';
import { DEFAULT_MAILBOX_PATH, MAIL_ROOT } from '../features/mailbox/model/mailbox-location';
import type { SocketState } from '../lib/socket';

interface Props {
  socket: SocketState;
  myAddress: string;
  onCompose: () => void;
  renderReply: (context: ReplyContext) => ReactNode;
}

export function AppRoutes({ socket, myAddress, onCompose, renderReply }: Props) {
  return (
    <Routes>
      <Route
        path={`${MAIL_ROOT}/:folder/:threadId?`}
        element={<MailboxPage socket={socket} myAddress={myAddress} onCompose={onCompose} renderReply={renderReply} />}
      />
      <Route path="*" element={<Navigate to={DEFAULT_MAILBOX_PATH} replace />} />
    </Routes>
  );
}
