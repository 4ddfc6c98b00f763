// The actions on a thread (open list row, keyboard, toolbar): optimistic in
// this tab, then the API; other tabs learn through email_updated/_deleted.
import type { FolderDto, MessageDto, ThreadSummaryDto } from '@contracts/api';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-error';
import { deleteMessage, deleteThread, updateMessage, updateThread } from '../api/mailbox-api';
import type { Conversation } from './use-conversation';
import type { FoldersState } from './use-folders';
import type { ThreadList } from './use-thread-list';

interface Deps {
  list: ThreadList;
  folders: FoldersState;
  conversation: Conversation;
  currentFolder: FolderDto | undefined;
  /** Called before a thread leaves the current folder (to move selection and close it). */
  onThreadLeaves: (threadId: number) => void;
  onClose: () => void;
}

export interface ThreadActions {
  archive(threadId: number): void;
  remove(threadId: number): void;
  move(threadId: number, folderId: number): void;
  markUnread(threadId: number): void;
  setStarred(threadId: number, starred: boolean): void;
  toggleStar(thread: ThreadSummaryDto): void;
  toggleMessageStar(message: MessageDto): void;
  removeMessage(message: MessageDto): void;
}

export function useThreadActions(deps: Deps): ThreadActions {
  const toast = useToast();
  const { list, folders, conversation, currentFolder } = deps;

  const fail = (e: unknown) => {
    toast.show(errorMessage(e), 'error');
    list.scheduleHeadRefresh(); // undo the optimistic change by asking the truth
    folders.scheduleRefresh();
    conversation.reload();
  };
  const done = (message?: string) => {
    if (message) toast.show(message);
    folders.scheduleRefresh();
  };

  function move(threadId: number, folderId: number) {
    if (folderId === currentFolder?.id) return;
    const target = folders.folders.find((f) => f.id === folderId);
    deps.onThreadLeaves(threadId);
    list.dispatch({ type: 'threadRemoved', threadId });
    updateThread(threadId, { folderId }, currentFolder?.id).then(() => done(`Moved to ${target?.name ?? 'folder'}`), fail);
  }

  function setStarred(threadId: number, starred: boolean) {
    list.dispatch({ type: 'threadPatched', threadId, patch: { isStarred: starred } });
    if (conversation.state.status === 'ready' && conversation.state.thread.id === threadId) {
      conversation.patchMessages({ isStarred: starred });
    }
    updateThread(threadId, { isStarred: starred }).then(() => done(), fail);
  }

  return {
    move,
    archive(threadId) {
      const archive = folders.folders.find((f) => f.kind === 'archive');
      if (!archive) return toast.show('There is no Archive folder.', 'error');
      if (currentFolder?.id === archive.id) return toast.show('Already archived.');
      move(threadId, archive.id);
    },
    remove(threadId) {
      const forGood = currentFolder?.kind === 'trash';
      deps.onThreadLeaves(threadId);
      list.dispatch({ type: 'threadRemoved', threadId });
      deleteThread(threadId, currentFolder?.id).then(() => done(forGood ? 'Deleted forever' : 'Moved to Trash'), fail);
    },
    markUnread(threadId) {
      const summary = list.state.threads.find((t) => t.id === threadId);
      list.dispatch({ type: 'threadPatched', threadId, patch: { unreadCount: Math.max(1, summary?.messageCount ?? 1) } });
      deps.onClose(); // staying in the conversation would mark it read again
      updateThread(threadId, { isRead: false }).then(() => done(), fail);
    },
    setStarred,
    toggleStar(thread) {
      setStarred(thread.id, !thread.isStarred);
    },
    toggleMessageStar(message) {
      conversation.patchMessages({ isStarred: !message.isStarred }, message.id);
      updateMessage(message.id, { isStarred: !message.isStarred }).then(() => list.scheduleHeadRefresh(), fail);
    },
    removeMessage(message) {
      deleteMessage(message.id).then(() => {
        done('Message deleted');
        conversation.reload();
        list.scheduleHeadRefresh();
      }, fail);
    },
  };
}
