// Messages one has sent from the chat and the server has not yet shown back:
// the bubble appears at Enter ("sending"), becomes the stored copy once the
// conversation holds it, and stays with a retry button when sending failed.
// A reducer over plain data, so the whole life of a bubble is tested here.

import type { MessageDto } from '@contracts/api';

/** Where it goes (kept for a retry). */
export interface OutgoingRequest {
  to: string[];
  cc: string[];
  subject: string;
  inReplyToId?: number;
}

export interface OutboxEntry {
  localId: string;
  /** the conversation it was written in */
  threadId: number;
  request: OutgoingRequest;
  text: string;
  /** kept for a retry */
  files: readonly File[];
  createdAt: string;
  status: 'sending' | 'failed' | 'sent';
  error?: string;
  /** the stored Sent copy, as the server answered */
  message?: MessageDto;
}

export type OutboxAction =
  | { type: 'queued'; entry: Omit<OutboxEntry, 'status'> }
  | { type: 'sent'; localId: string; message: MessageDto }
  | { type: 'failed'; localId: string; error: string }
  | { type: 'retrying'; localId: string }
  | { type: 'discarded'; localId: string }
  /** the conversation now holds these stored messages */
  | { type: 'stored'; messageIds: readonly number[] };

export function outboxReducer(state: readonly OutboxEntry[], action: OutboxAction): OutboxEntry[] {
  switch (action.type) {
    case 'queued':
      return [...state, { ...action.entry, status: 'sending' }];
    case 'sent':
      return state.map((e) => (e.localId === action.localId ? { ...e, status: 'sent', message: action.message, error: undefined } : e));
    case 'failed':
      return state.map((e) => (e.localId === action.localId ? { ...e, status: 'failed', error: action.error } : e));
    case 'retrying':
      return state.map((e) => (e.localId === action.localId && e.status === 'failed' ? { ...e, status: 'sending', error: undefined } : e));
    case 'discarded':
      return state.filter((e) => e.localId !== action.localId || e.status === 'sending');
    case 'stored': {
      const ids = new Set(action.messageIds);
      const next = state.filter((e) => !(e.status === 'sent' && e.message !== undefined && ids.has(e.message.id)));
      return next.length === state.length ? (state as OutboxEntry[]) : next;
    }
  }
}

/** The entries to draw in one conversation, oldest first. */
export function outboxIn(state: readonly OutboxEntry[], threadId: number): OutboxEntry[] {
  return state.filter((e) => e.threadId === threadId);
}

let counter = 0;
export function newLocalId(now: number): string {
  counter = (counter + 1) % 1_000_000;
  return `local-${now.toString(36)}-${counter}`;
}
