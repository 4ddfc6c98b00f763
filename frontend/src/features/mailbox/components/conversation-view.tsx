// The open thread, oldest message first, with its toolbar and the reply slot.
// With a chat renderer (the chat feature, handed in by the shell) the chat is
// the default view and the message cards are one click away (?view=mail).
import type { FolderDto, MessageDto, ThreadDto } from '@contracts/api';
import type { ReactNode } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { EmptyState, ErrorState, LoadingState } from '../../../components/view-states';
import type { ConversationState } from '../hooks/use-conversation';
import { MessageCard } from './message-card';
import { ThreadToolbar } from './thread-toolbar';

export interface ReplyContext {
  thread: ThreadDto;
  messages: MessageDto[];
  onSent: () => void;
}

interface Props {
  state: ConversationState;
  folders: FolderDto[];
  currentFolder: FolderDto | undefined;
  actions: {
    onBack: () => void;
    onArchive: () => void;
    onDelete: () => void;
    onMarkUnread: () => void;
    onToggleStar: () => void;
    onMove: (folderId: number) => void;
    onToggleMessageStar: (message: MessageDto) => void;
    onDeleteMessage: (message: MessageDto) => void;
    onRetry: () => void;
    onReplySent: () => void;
  };
  renderReply?: (context: ReplyContext) => ReactNode;
  renderChat?: (context: ReplyContext) => ReactNode;
}

export function ConversationView({ state, folders, currentFolder, actions, renderReply, renderChat }: Props) {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const view = renderChat && params.get('view') !== 'mail' ? 'chat' : 'mail';
  if (state.status === 'idle') return <EmptyState title="No conversation selected" hint="Pick one from the list, or press j / k and Enter." />;
  if (state.status === 'loading') return <LoadingState label="Loading conversation…" />;
  if (state.status === 'error' && state.notFound) {
    // An old link, or deleted meanwhile (from another tab or an IMAP client).
    return <EmptyState title="This conversation is not here." hint="It may have been deleted, or the link is not for this account." />;
  }
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={actions.onRetry} />;

  const { thread, messages } = state;
  const folderNames = new Map(folders.map((f) => [f.id, f.name]));
  const lastId = messages[messages.length - 1]?.id;
  // Replacing the entry: Back still means "the list" (see use-mailbox-route).
  const switchTo = (next: 'chat' | 'mail') =>
    setParams((p) => {
      const q = new URLSearchParams(p);
      if (next === 'mail') q.set('view', 'mail');
      else q.delete('view');
      return q;
    }, { replace: true, state: location.state });
  const viewSwitch = renderChat && (
    <div className="conversation-views" role="group" aria-label="Show as">
      <button type="button" aria-pressed={view === 'chat'} onClick={() => switchTo('chat')}>
        Chat
      </button>
      <button type="button" aria-pressed={view === 'mail'} onClick={() => switchTo('mail')}>
        Mail
      </button>
    </div>
  );
  return (
    <section className={`conversation ${view === 'chat' ? 'is-chat' : ''}`} aria-label="Conversation" data-view={view}>
      <ThreadToolbar
        folders={folders}
        currentFolder={currentFolder}
        isStarred={messages.some((m) => m.isStarred)}
        onBack={actions.onBack}
        onArchive={actions.onArchive}
        onDelete={actions.onDelete}
        onMarkUnread={actions.onMarkUnread}
        onToggleStar={actions.onToggleStar}
        onMove={actions.onMove}
        extra={viewSwitch}
      />
      <h2 className="conversation-subject">{thread.subject || '(no subject)'}</h2>
      {view === 'chat' && renderChat ? (
        renderChat({ thread, messages, onSent: actions.onReplySent })
      ) : messages.length === 0 ? (
        <EmptyState title="This conversation has no messages left." />
      ) : (
        <div className="message-cards">
          {messages.map((m) => (
            <MessageCard
              key={m.id}
              message={m}
              // Name the folder only when the thread spans several (e.g. Inbox + Sent).
              folderName={new Set(messages.map((x) => x.folderId)).size > 1 ? folderNames.get(m.folderId) : undefined}
              initiallyExpanded={m.id === lastId || !m.isRead}
              onToggleStar={actions.onToggleMessageStar}
              onDelete={actions.onDeleteMessage}
            />
          ))}
        </div>
      )}
      {view === 'mail' && renderReply && messages.length > 0 && renderReply({ thread, messages, onSent: actions.onReplySent })}
    </section>
  );
}
