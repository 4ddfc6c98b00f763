// The three-pane inbox: folders | threads of the folder | open conversation.
// What is open comes from the address (use-mailbox-route); each concern has
// its own hook, so this file only wires them together and lays out the panes.
// On a phone-sized screen only one pane shows at a time (`data-pane`).
import type { ThreadSummaryDto } from '@contracts/api';
import { useCallback, type ReactNode } from 'react';
import { Icon } from '../../../components/icons';
import type { SocketState } from '../../../lib/socket';
import { useAutoMarkRead } from '../hooks/use-auto-mark-read';
import { useConversation } from '../hooks/use-conversation';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useFolders } from '../hooks/use-folders';
import { useListCursor } from '../hooks/use-list-cursor';
import { useLiveMailbox } from '../hooks/use-live-mailbox';
import { useMailboxKeyboard } from '../hooks/use-mailbox-keyboard';
import { useMailboxRoute } from '../hooks/use-mailbox-route';
import { useThreadActions } from '../hooks/use-thread-actions';
import { useThreadList } from '../hooks/use-thread-list';
import { ConversationView, type ReplyContext } from './conversation-view';
import { FolderList } from './folder-list';
import { ThreadList } from './thread-list';

interface Props {
  socket: SocketState;
  /** the signed-in user's address: rows name the others, and "me" */
  myAddress: string;
  onCompose: () => void;
  renderReply?: (context: ReplyContext) => ReactNode;
  /** the chat view of a conversation (the default view when given) */
  renderChat?: (context: ReplyContext) => ReactNode;
}

export function MailboxPage({ socket, myAddress, onCompose, renderReply, renderChat }: Props) {
  const folders = useFolders();
  const route = useMailboxRoute(folders);
  const folder = route.folder;
  const openId = route.threadId;
  const list = useThreadList(folder ?? null, route.routeKind);
  const threads = list.state.threads;
  const cursor = useListCursor(folder?.id ?? null, threads);
  const conversation = useConversation(openId);

  useDocumentTitle(folders.folders.find((f) => f.kind === 'inbox')?.unreadCount ?? 0);
  useAutoMarkRead(openId, conversation, list, folders);
  useLiveMailbox(socket, { folder, threadId: openId, list, folders, conversation });

  const { pin } = cursor;
  const { openThread, closeThread } = route;
  const open = useCallback(
    (thread: ThreadSummaryDto) => {
      pin(thread.id);
      openThread(thread.id);
    },
    [pin, openThread],
  );

  const actions = useThreadActions({
    list,
    folders,
    conversation,
    currentFolder: folder,
    onThreadLeaves: (threadId) => {
      cursor.beforeRemoval(threadId);
      if (threadId === openId) closeThread();
    },
    onClose: closeThread,
  });
  useMailboxKeyboard({ threads, openId, cursor, open, close: closeThread, actions, onCompose });

  const openSummary = threads.find((t) => t.id === openId);
  return (
    <div className="mailbox" data-pane={route.pane} data-socket-status={socket.status}>
      <aside className="pane pane-folders">
        <button type="button" className="primary compose-button" onClick={onCompose} title="Compose (c)">
          <Icon name="compose" /> Compose
        </button>
        <FolderList folders={folders} selectedId={folder?.id ?? null} onSelect={route.selectFolder} />
      </aside>
      <section className="pane pane-list" aria-label="Conversation list">
        <header className="pane-header">
          <button type="button" className="icon-button phone-only" aria-label="Show folders" onClick={route.showFolders}>
            ☰
          </button>
          <h1 className="pane-title">{folder?.name ?? 'Mail'}</h1>
          {folder && folder.unreadCount > 0 && <span className="pane-subtitle">{folder.unreadCount} unread</span>}
        </header>
        <ThreadList
          state={list.state}
          folderName={folder?.name ?? 'this folder'}
          folderKind={folder?.kind}
          myAddress={myAddress}
          selectedId={openId ?? cursor.row}
          openId={openId}
          onOpen={open}
          onToggleStar={actions.toggleStar}
          onLoadMore={list.loadMore}
          onRetry={list.reload}
        />
        {/* On a phone the folder pane (with its Compose button) is a tap away: this one is always in reach. */}
        <button type="button" className="primary compose-fab phone-only" onClick={onCompose} aria-label="Compose" title="Compose (c)">
          <Icon name="compose" size={22} />
        </button>
      </section>
      <section className="pane pane-conversation" aria-label="Open conversation">
        <ConversationView
          state={conversation.state}
          folders={folders.folders}
          currentFolder={folder}
          renderReply={renderReply}
          renderChat={renderChat}
          actions={{
            onBack: closeThread,
            onArchive: () => openId !== null && actions.archive(openId),
            onDelete: () => openId !== null && actions.remove(openId),
            onMarkUnread: () => openId !== null && actions.markUnread(openId),
            onToggleStar: () => {
              if (openId === null || conversation.state.status !== 'ready') return;
              actions.setStarred(openId, !(openSummary?.isStarred ?? conversation.state.messages.some((m) => m.isStarred)));
            },
            onMove: (target) => openId !== null && actions.move(openId, target),
            onToggleMessageStar: actions.toggleMessageStar,
            onDeleteMessage: actions.removeMessage,
            onRetry: conversation.reload,
            onReplySent: () => {
              conversation.reload();
              folders.scheduleRefresh();
            },
          }}
        />
      </section>
    </div>
  );
}
