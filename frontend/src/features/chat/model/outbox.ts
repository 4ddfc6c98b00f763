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

const normalized = (text: string) => text.replace(/\r\n?/g, '\n').trim();

/**
 * Messages being sent that the conversation already shows as stored: the
 * stored copy can arrive (by the socket and a refetch) before the POST that
 * sent it answers. Matched by their words, each stored copy to one entry,
 * oldest first, and only copies stored after the entry was written (a
 * minute's leeway for clocks), so an earlier "ok" is never taken for a new one.
 */
export function alreadyStored(
  entries: readonly OutboxEntry[],
  storedMine: ReadonlyArray<{ id: number; bodyText: string; createdAt: string }>,
): Map<string, number> {
  const matched = new Map<string, number>();
  const taken = new Set<number>();
  for (const e of entries) {
    if (e.status !== 'sending') continue;
    const text = normalized(e.text);
    const since = Date.parse(e.createdAt) - 60_000;
    const hit = storedMine.find((m) => !taken.has(m.id) && Date.parse(m.createdAt) >= since && normalized(m.bodyText) === text);
    if (hit) {
      taken.add(hit.id);
      matched.set(e.localId, hit.id);
    }
  }
  return matched;
}
