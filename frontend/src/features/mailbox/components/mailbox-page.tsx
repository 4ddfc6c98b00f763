// The three-pane inbox: folders | threads of the folder | open conversation.
// On a phone-sized screen only one pane shows at a time (`data-pane`).
import type { FolderDto, ThreadSummaryDto } from '@contracts/api';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Icon } from '../../../components/icons';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-error';
import type { SocketState } from '../../../lib/socket';
import { updateThread } from '../api/mailbox-api';
import { useConversation } from '../hooks/use-conversation';
import { useFolders } from '../hooks/use-folders';
import { useKeyboardShortcuts } from '../hooks/use-keyboard-shortcuts';
import { useMailEvents } from '../hooks/use-mail-events';
import { useThreadActions } from '../hooks/use-thread-actions';
import { useThreadList } from '../hooks/use-thread-list';
import type { MailCommand } from '../model/keyboard-commands';
import { neighbourId, selectionAfterRemoval } from '../model/selection';
import { ConversationView, type ReplyContext } from './conversation-view';
import { FolderList } from './folder-list';
import { ThreadList } from './thread-list';

type Pane = 'folders' | 'list' | 'conversation';

interface Props {
  socket: SocketState;
  onCompose: () => void;
  renderReply?: (context: ReplyContext) => ReactNode;
}

export function MailboxPage({ socket, onCompose, renderReply }: Props) {
  const toast = useToast();
  const folders = useFolders();
  const [folderId, setFolderId] = useState<number | null>(null);
  const list = useThreadList(folderId);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const conversation = useConversation(openId);
  const [pane, setPane] = useState<Pane>('list');
  const currentFolder = folders.folders.find((f) => f.id === folderId);
  const threads = list.state.threads;

  // Start in the Inbox once folders are known.
  useEffect(() => {
    if (folderId === null && folders.status === 'ready') {
      setFolderId((folders.folders.find((f) => f.kind === 'inbox') ?? folders.folders[0])?.id ?? null);
    }
  }, [folderId, folders.status, folders.folders]);

  // Keep a keyboard cursor on the list: the first row when none (or a vanished one) is selected.
  useEffect(() => {
    if (list.state.status !== 'ready') return;
    if (selectedId === null || !threads.some((t) => t.id === selectedId)) {
      if (openId === null || !threads.some((t) => t.id === openId)) setSelectedId(threads[0]?.id ?? null);
    }
  }, [threads, list.state.status, selectedId, openId]);

  // Tab title carries the Inbox unread count.
  const inboxUnread = folders.folders.find((f) => f.kind === 'inbox')?.unreadCount ?? 0;
  useEffect(() => {
    document.title = inboxUnread > 0 ? `(${inboxUnread}) Inbox · ChitBox` : 'ChitBox';
  }, [inboxUnread]);
  useEffect(() => () => void (document.title = 'ChitBox'), []);

  // Opening marks read, and so does mail arriving in the conversation being read.
  // Each message is auto-marked once per opening, so "mark unread" from another tab sticks.
  const autoRead = useRef(new Set<number>());
  useEffect(() => {
    if (conversation.state.status !== 'ready') return;
    const fresh = conversation.state.messages.filter((m) => !m.isRead && !autoRead.current.has(m.id));
    if (fresh.length === 0) return;
    const threadId = conversation.state.thread.id;
    fresh.forEach((m) => autoRead.current.add(m.id));
    fresh.forEach((m) => conversation.patchMessages({ isRead: true }, m.id));
    list.dispatch({ type: 'threadPatched', threadId, patch: { unreadCount: 0 } });
    updateThread(threadId, { isRead: true }).then(folders.scheduleRefresh, (e) => toast.show(errorMessage(e), 'error'));
  }, [conversation, list, folders.scheduleRefresh, toast]);

  const openThread = useCallback((thread: ThreadSummaryDto) => {
    autoRead.current = new Set();
    setSelectedId(thread.id);
    setOpenId(thread.id);
    setPane('conversation');
  }, []);
  const closeThread = useCallback(() => {
    setOpenId(null);
    setPane('list');
  }, []);
  const selectFolder = (folder: FolderDto) => {
    setFolderId(folder.id);
    setSelectedId(null);
    setOpenId(null);
    setPane('list');
  };

  const actions = useThreadActions({
    list,
    folders,
    conversation,
    currentFolder,
    onThreadLeaves: (threadId) => {
      setSelectedId(selectionAfterRemoval(threads, threadId));
      if (threadId === openId) closeThread();
    },
    onClose: closeThread,
  });

  useMailEvents(socket.socket, {
    onNewEmail(event) {
      list.applyNewEmail(event);
      folders.scheduleRefresh();
      if (event.email.threadId === openId) conversation.reload();
      const kind = folders.folders.find((f) => f.id === event.folderId)?.kind;
      if (kind !== 'sent' && kind !== 'drafts' && !event.email.isRead) {
        toast.show(`New mail from ${event.email.fromName || event.email.fromEmail}`);
      }
    },
    onEmailUpdated(event) {
      folders.scheduleRefresh();
      if (event.folderId === folderId || event.previousFolderId === folderId) list.scheduleHeadRefresh();
      if (event.threadId === openId) conversation.applyUpdate(event);
    },
    onEmailDeleted(event) {
      folders.scheduleRefresh();
      if (event.folderId === folderId) list.scheduleHeadRefresh();
      if (event.threadId === openId) conversation.applyDelete(event);
    },
  });

  // Realtime is a hint: after every (re)connect, refetch what is on screen.
  const firstConnect = useRef(true);
  useEffect(() => {
    if (socket.status !== 'connected') return;
    if (firstConnect.current) {
      firstConnect.current = false;
      return;
    }
    folders.reload();
    list.scheduleHeadRefresh();
    conversation.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on connection changes
  }, [socket.status, socket.reconnects]);

  const targetId = openId ?? selectedId;
  const runCommand = (command: MailCommand) => {
    switch (command) {
      case 'next':
      case 'previous': {
        const next = neighbourId(threads, targetId, command === 'next' ? 1 : -1);
        const thread = threads.find((t) => t.id === next);
        if (!thread) return;
        if (openId !== null) openThread(thread);
        else setSelectedId(thread.id);
        return;
      }
      case 'open': {
        const thread = threads.find((t) => t.id === selectedId);
        if (thread) openThread(thread);
        return;
      }
      case 'archive':
        if (targetId !== null) actions.archive(targetId);
        return;
      case 'delete':
        if (targetId !== null) actions.remove(targetId);
        return;
      case 'star': {
        const thread = threads.find((t) => t.id === targetId);
        if (thread) actions.toggleStar(thread);
        return;
      }
      case 'markUnread':
        if (targetId !== null) actions.markUnread(targetId);
        return;
      case 'compose':
        onCompose();
        return;
      case 'back':
        if (openId !== null) closeThread();
        return;
    }
  };
  useKeyboardShortcuts(runCommand);

  const openSummary = threads.find((t) => t.id === openId);
  return (
    <div className="mailbox" data-pane={pane} data-socket-status={socket.status}>
      <aside className="pane pane-folders">
        <button type="button" className="primary compose-button" onClick={onCompose} title="Compose (c)">
          <Icon name="compose" /> Compose
        </button>
        <FolderList folders={folders} selectedId={folderId} onSelect={selectFolder} />
      </aside>
      <section className="pane pane-list" aria-label="Conversation list">
        <header className="pane-header">
          <button type="button" className="icon-button phone-only" aria-label="Show folders" onClick={() => setPane('folders')}>
            ☰
          </button>
          <h1 className="pane-title">{currentFolder?.name ?? 'Mail'}</h1>
          {currentFolder && currentFolder.unreadCount > 0 && <span className="pane-subtitle">{currentFolder.unreadCount} unread</span>}
        </header>
        <ThreadList
          state={list.state}
          folderName={currentFolder?.name ?? 'this folder'}
          selectedId={selectedId}
          openId={openId}
          onOpen={openThread}
          onToggleStar={actions.toggleStar}
          onLoadMore={list.loadMore}
          onRetry={list.reload}
        />
      </section>
      <section className="pane pane-conversation" aria-label="Open conversation">
        <ConversationView
          state={conversation.state}
          folders={folders.folders}
          currentFolder={currentFolder}
          renderReply={renderReply}
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
