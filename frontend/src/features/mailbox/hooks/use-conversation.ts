// One open thread with all its messages, oldest first. Live events patch it;
// a new message in it triggers a refetch (the event carries no full message).
import type { MessageDto, ThreadDto } from '@contracts/api';
import type { EmailDeletedEvent, EmailUpdatedEvent } from '@contracts/events';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { fetchThread } from '../api/mailbox-api';

export type ConversationState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string; notFound: boolean }
  | { status: 'ready'; thread: ThreadDto; messages: MessageDto[] };

export interface Conversation {
  state: ConversationState;
  reload: () => void;
  applyUpdate: (event: EmailUpdatedEvent) => void;
  applyDelete: (event: EmailDeletedEvent) => void;
  patchMessages: (patch: Partial<MessageDto>, messageId?: number) => void;
}

export function useConversation(threadId: number | null): Conversation {
  const [state, setState] = useState<ConversationState>({ status: 'idle' });
  const requestSeq = useRef(0);

  const load = useCallback((id: number, quiet: boolean) => {
    const seq = ++requestSeq.current;
    if (!quiet) setState({ status: 'loading' });
    fetchThread(id).then(
      (detail) => seq === requestSeq.current && setState({ status: 'ready', thread: detail.thread, messages: detail.messages }),
      (e) => {
        if (seq !== requestSeq.current) return;
        // A quiet refresh that fails keeps the conversation on screen.
        setState((s) => (quiet && s.status === 'ready' ? s : { status: 'error', message: errorMessage(e), notFound: e instanceof ApiError && e.kind === 'notFound' }));
      },
    );
  }, []);

  useEffect(() => {
    if (threadId === null) {
      requestSeq.current++;
      setState({ status: 'idle' });
    } else load(threadId, false);
  }, [threadId, load]);

  const reload = useCallback(() => {
    if (threadId !== null) load(threadId, true);
  }, [threadId, load]);

  const patchMessages = useCallback((patch: Partial<MessageDto>, messageId?: number) => {
    setState((s) =>
      s.status === 'ready'
        ? { ...s, messages: s.messages.map((m) => (messageId === undefined || m.id === messageId ? { ...m, ...patch } : m)) }
        : s,
    );
  }, []);

  const applyUpdate = useCallback(
    (event: EmailUpdatedEvent) =>
      patchMessages({ isRead: event.isRead, isStarred: event.isStarred, folderId: event.folderId }, event.id),
    [patchMessages],
  );

  const applyDelete = useCallback((event: EmailDeletedEvent) => {
    setState((s) => (s.status === 'ready' ? { ...s, messages: s.messages.filter((m) => m.id !== event.id) } : s));
  }, []);

  return { state, reload, applyUpdate, applyDelete, patchMessages };
}
