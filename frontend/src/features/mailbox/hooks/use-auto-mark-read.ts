// Opening a conversation marks it read, and so does mail arriving in the one
// being read. Each message is marked once per opening, so "mark unread" from
// another tab sticks while this one stays open.
import { useEffect, useRef } from 'react';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-error';
import { updateThread } from '../api/mailbox-api';
import type { Conversation } from './use-conversation';
import type { FoldersState } from './use-folders';
import type { ThreadList } from './use-thread-list';

export function useAutoMarkRead(threadId: number | null, conversation: Conversation, list: ThreadList, folders: FoldersState): void {
  const toast = useToast();
  const marked = useRef(new Set<number>());

  useEffect(() => {
    marked.current = new Set();
  }, [threadId]);

  useEffect(() => {
    if (conversation.state.status !== 'ready') return;
    const fresh = conversation.state.messages.filter((m) => !m.isRead && !marked.current.has(m.id));
    if (fresh.length === 0) return;
    const id = conversation.state.thread.id;
    fresh.forEach((m) => marked.current.add(m.id));
    fresh.forEach((m) => conversation.patchMessages({ isRead: true }, m.id));
    list.dispatch({ type: 'threadPatched', threadId: id, patch: { unreadCount: 0 } });
    updateThread(id, { isRead: true }).then(folders.scheduleRefresh, (e) => toast.show(errorMessage(e), 'error'));
  }, [conversation, list, folders.scheduleRefresh, toast]);
}
