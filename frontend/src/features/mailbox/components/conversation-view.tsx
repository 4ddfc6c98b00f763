// The open thread, oldest message first, with its toolbar and the reply slot.
import type { FolderDto, MessageDto, ThreadDto } from '@contracts/api';
import type { ReactNode } from 'react';
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
}

export function ConversationView({ state, folders, currentFolder, actions, renderReply }: Props) {
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
  return (
    <section className="conversation" aria-label="Conversation">
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
      />
      <h2 className="conversation-subject">{thread.subject || '(no subject)'}</h2>
      {messages.length === 0 ? (
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
      {renderReply && messages.length > 0 && renderReply({ thread, messages, onSent: actions.onReplySent })}
    </section>
  );
}
