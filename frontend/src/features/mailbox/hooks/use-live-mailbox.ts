// What the live connection changes on screen: new mail lands in the list (and
// in the open conversation), flags and moves from other tabs or IMAP apply,
// and new mail is announced in one toast however much arrives at once.
// Realtime is a hint (STYLE.md 8): after every reconnect, what is shown is
// fetched again.
import type { FolderDto } from '@contracts/api';
import type { NewEmailEvent } from '@contracts/events';
import { useEffect, useRef } from 'react';
import { useToast } from '../../../components/toast';
import type { SocketState } from '../../../lib/socket';
import type { Conversation } from './use-conversation';
import type { FoldersState } from './use-folders';
import { useMailEvents } from './use-mail-events';
import type { ThreadList } from './use-thread-list';

export function newMailText(event: NewEmailEvent, count: number): string {
  return count === 1 ? `New mail from ${event.email.fromName || event.email.fromEmail || 'an unknown sender'}` : `${count} new messages`;
}

interface Shown {
  folder: FolderDto | undefined;
  threadId: number | null;
  list: ThreadList;
  folders: FoldersState;
  conversation: Conversation;
}

export function useLiveMailbox(socket: SocketState, shown: Shown): void {
  const toast = useToast();
  const { folder, threadId, list, folders, conversation } = shown;

  useMailEvents(socket.socket, {
    onNewEmail(event) {
      list.applyNewEmail(event);
      folders.scheduleRefresh();
      if (event.email.threadId === threadId) conversation.reload();
      const kind = folders.folders.find((f) => f.id === event.folderId)?.kind;
      // The event has no recipients, which Sent rows show: ask the list for them.
      if (event.folderId === folder?.id && (kind === 'sent' || kind === 'drafts')) list.scheduleHeadRefresh();
      // Mail in the conversation on screen shows up there (as a bubble, or a card): no toast for it.
      if (kind !== 'sent' && kind !== 'drafts' && !event.email.isRead && event.email.threadId !== threadId) {
        toast.showGrouped('new-mail', (count) => newMailText(event, count));
      }
    },
    onEmailUpdated(event) {
      folders.scheduleRefresh();
      if (event.folderId === folder?.id || event.previousFolderId === folder?.id) list.scheduleHeadRefresh();
      if (event.threadId === threadId) conversation.applyUpdate(event);
    },
    onEmailDeleted(event) {
      folders.scheduleRefresh();
      if (event.folderId === folder?.id) list.scheduleHeadRefresh();
      if (event.threadId === threadId) conversation.applyDelete(event);
    },
    onFoldersChanged() {
      folders.scheduleRefresh();
    },
  });

  const refetch = useRef(() => undefined as void);
  refetch.current = () => {
    folders.reload();
    list.scheduleHeadRefresh();
    conversation.reload();
  };
  const firstConnect = useRef(true);
  useEffect(() => {
    if (socket.status !== 'connected') return;
    if (firstConnect.current) {
      firstConnect.current = false;
      return;
    }
    refetch.current();
  }, [socket.status, socket.reconnects]);
}
