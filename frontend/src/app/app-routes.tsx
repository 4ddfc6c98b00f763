// The inbox's addresses. Today: a folder (/mail/inbox, /mail/40 for a custom
// folder) and a conversation in it (/mail/inbox/123); anything else goes to
// the Inbox. One route with an optional segment, so moving between a folder
// and a conversation keeps the mailbox mounted (its list, cursor and scroll).
// Beside it: the people list (/people), a new chat (/chat/new?to=address) and
// search results (/search?q=...).
import type { MessageDto } from '@contracts/api';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useNavigate, useSearchParams } from 'react-router';
import { NewChatPage } from '../features/chat/components/new-chat-page';
import { PeoplePage } from '../features/chat/components/people-page';
import { MailboxPage } from '../features/mailbox/components/mailbox-page';
import type { ReplyContext } from '../features/mailbox/components/conversation-view';
import { DEFAULT_MAILBOX_PATH, MAIL_ROOT, mailboxPath } from '../features/mailbox/model/mailbox-location';
import { SearchPage } from '../features/search/components/search-page';
import type { SocketState } from '../lib/socket';

interface Props {
  socket: SocketState;
  myAddress: string;
  onCompose: () => void;
  renderReply: (context: ReplyContext) => ReactNode;
  renderChat: (context: ReplyContext) => ReactNode;
}

export const PEOPLE_PATH = '/people';
export const NEW_CHAT_PATH = '/chat/new';
export const SEARCH_PATH = '/search';

export function AppRoutes({ socket, myAddress, onCompose, renderReply, renderChat }: Props) {
  const navigate = useNavigate();
  // A folder named by its id; the mailbox rewrites the address to the folder's canonical name.
  const openConversation = (folderId: number, threadId: number) => navigate(mailboxPath({ id: folderId, kind: 'custom' }, threadId));
  return (
    <Routes>
      <Route
        path={`${MAIL_ROOT}/:folder/:threadId?`}
        element={<MailboxPage socket={socket} myAddress={myAddress} onCompose={onCompose} renderReply={renderReply} renderChat={renderChat} />}
      />
      <Route
        path={PEOPLE_PATH}
        element={
          <PeoplePage
            socket={socket}
            onOpenConversation={openConversation}
            onNewChat={(address) => navigate(`${NEW_CHAT_PATH}?${new URLSearchParams({ to: address })}`)}
          />
        }
      />
      <Route path={NEW_CHAT_PATH} element={<NewChat onSent={(m) => openConversation(m.folderId, m.threadId)} />} />
      <Route path={SEARCH_PATH} element={<Search onOpen={openConversation} />} />
      <Route path="*" element={<Navigate to={DEFAULT_MAILBOX_PATH} replace />} />
    </Routes>
  );
}

function Search({ onOpen }: { onOpen: (folderId: number, threadId: number) => void }) {
  const [params] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  if (!q) return <Navigate to={DEFAULT_MAILBOX_PATH} replace />;
  return <SearchPage query={q} onOpen={onOpen} />;
}

function NewChat({ onSent }: { onSent: (message: MessageDto) => void }) {
  const [params] = useSearchParams();
  const to = params.get('to') ?? '';
  // A new page for each address, so "New" on another person starts clean.
  return <NewChatPage key={to} initialTo={to} onSent={onSent} />;
}
