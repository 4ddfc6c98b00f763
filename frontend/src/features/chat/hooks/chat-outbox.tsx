// The messages one sends from chats, above the routes so a failed one is
// still there (with its retry button) after looking at another conversation.
// The life of a bubble is the reducer in model/outbox.ts; this only runs the
// requests. Sending is never repeated on its own (a POST that reached the
// server before the connection broke may have been sent): retry is a click.
import { createContext, useCallback, useContext, useMemo, useReducer, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { sendChatMessage } from '../api/chat-api';
import { newLocalId, outboxReducer, type OutboxEntry, type OutgoingRequest } from '../model/outbox';

export interface Outbox {
  entries: readonly OutboxEntry[];
  send(threadId: number, request: OutgoingRequest, text: string, files: readonly File[]): void;
  retry(localId: string): void;
  discard(localId: string): void;
  /** the conversation now shows these stored messages */
  stored(messageIds: readonly number[]): void;
}

const OutboxContext = createContext<Outbox | null>(null);

export function ChatOutboxProvider({ children }: { children: ReactNode }) {
  const [entries, dispatch] = useReducer(outboxReducer, []);

  const run = useCallback((entry: Pick<OutboxEntry, 'localId' | 'request' | 'text' | 'files'>) => {
    sendChatMessage({ ...entry.request, text: entry.text }, entry.files).then(
      (message) => dispatch({ type: 'sent', localId: entry.localId, message }),
      (error) => dispatch({ type: 'failed', localId: entry.localId, error: sendFailure(error) }),
    );
  }, []);

  const send = useCallback(
    (threadId: number, request: OutgoingRequest, text: string, files: readonly File[]) => {
      const entry = { localId: newLocalId(Date.now()), threadId, request, text, files, createdAt: new Date().toISOString() };
      dispatch({ type: 'queued', entry });
      run(entry);
    },
    [run],
  );

  const value = useMemo<Outbox>(
    () => ({
      entries,
      send,
      retry(localId) {
        const entry = entries.find((e) => e.localId === localId && e.status === 'failed');
        if (!entry) return;
        dispatch({ type: 'retrying', localId });
        run(entry);
      },
      discard: (localId) => dispatch({ type: 'discarded', localId }),
      stored: (messageIds) => dispatch({ type: 'stored', messageIds }),
    }),
    [entries, send, run],
  );
  return <OutboxContext.Provider value={value}>{children}</OutboxContext.Provider>;
}

export function useOutbox(): Outbox {
  const outbox = useContext(OutboxContext);
  if (!outbox) throw new Error('useOutbox needs a ChatOutboxProvider above it');
  return outbox;
}

function sendFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === 'relay_not_configured') {
    return 'This server cannot send to outside addresses (no relay is configured).';
  }
  if (error instanceof ApiError && error.kind === 'tooLarge') return `Too large to send. ${error.message}`;
  return errorMessage(error);
}
