// The thread list of one folder as a pure reducer, so paging, live events and
// optimistic actions merge in one tested place. REST stays the truth: after
// events we cannot apply exactly, the hook refetches the head of the list and
// `headRefreshed` replaces what it covers.
import type { ThreadSummaryDto } from '@contracts/api';
import type { NewEmailEvent } from '@contracts/events';

export interface ThreadListState {
  folderId: number | null;
  threads: ThreadSummaryDto[];
  nextCursor: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  error: string | null;
  /** Message ids already merged from new_email, so a repeated event is not counted twice. */
  seenMessageIds: ReadonlySet<number>;
}

export type ThreadListAction =
  | { type: 'reset'; folderId: number }
  | { type: 'loadMoreStarted' }
  | { type: 'pageLoaded'; folderId: number; threads: ThreadSummaryDto[]; nextCursor: string | null; append: boolean }
  | { type: 'loadFailed'; folderId: number; message: string }
  | { type: 'headRefreshed'; folderId: number; threads: ThreadSummaryDto[]; nextCursor: string | null }
  | { type: 'newEmail'; event: NewEmailEvent }
  | { type: 'threadPatched'; threadId: number; patch: Partial<ThreadSummaryDto> }
  | { type: 'threadRemoved'; threadId: number };

export const initialThreadListState: ThreadListState = {
  folderId: null,
  threads: [],
  nextCursor: null,
  status: 'idle',
  loadingMore: false,
  error: null,
  seenMessageIds: new Set(),
};

export function threadListReducer(state: ThreadListState, action: ThreadListAction): ThreadListState {
  switch (action.type) {
    case 'reset':
      return { ...initialThreadListState, folderId: action.folderId, status: 'loading' };
    case 'loadMoreStarted':
      return { ...state, loadingMore: true, error: null };
    case 'pageLoaded': {
      if (action.folderId !== state.folderId) return state; // a late answer for a folder we left
      const threads = action.append ? appendUnique(state.threads, action.threads) : action.threads;
      return { ...state, threads, nextCursor: action.nextCursor, status: 'ready', loadingMore: false, error: null };
    }
    case 'loadFailed':
      if (action.folderId !== state.folderId) return state;
      // A failed "load more" keeps what is shown; a failed first load is the error state.
      return state.status === 'ready'
        ? { ...state, loadingMore: false, error: action.message }
        : { ...state, status: 'error', loadingMore: false, error: action.message };
    case 'headRefreshed':
      if (action.folderId !== state.folderId || state.status !== 'ready') return state;
      return { ...state, ...mergeHead(state.threads, state.nextCursor, action.threads, action.nextCursor) };
    case 'newEmail':
      return applyNewEmail(state, action.event);
    case 'threadPatched':
      return {
        ...state,
        threads: state.threads.map((t) => (t.id === action.threadId ? { ...t, ...action.patch } : t)),
      };
    case 'threadRemoved':
      return { ...state, threads: state.threads.filter((t) => t.id !== action.threadId) };
  }
}

function appendUnique(current: ThreadSummaryDto[], page: ThreadSummaryDto[]): ThreadSummaryDto[] {
  const known = new Set(current.map((t) => t.id));
  return [...current, ...page.filter((t) => !known.has(t.id))];
}

/**
 * The fresh first page replaces everything it covers. Older threads we had
 * loaded beyond it stay (they are below the fresh page's last item) and the
 * old cursor still continues after them. If the fresh page is the whole
 * folder (no cursor), it is the complete truth.
 */
export function mergeHead(
  current: ThreadSummaryDto[],
  currentCursor: string | null,
  head: ThreadSummaryDto[],
  headCursor: string | null,
): { threads: ThreadSummaryDto[]; nextCursor: string | null } {
  if (headCursor === null) return { threads: head, nextCursor: null };
  const last = head[head.length - 1];
  if (!last) return { threads: head, nextCursor: headCursor };
  const inHead = new Set(head.map((t) => t.id));
  const tail = current.filter((t) => !inHead.has(t.id) && t.lastMessageAt < last.lastMessageAt);
  // Without anything loaded past the head, the head's own cursor is the right one.
  return tail.length ? { threads: [...head, ...tail], nextCursor: currentCursor } : { threads: head, nextCursor: headCursor };
}

function applyNewEmail(state: ThreadListState, event: NewEmailEvent): ThreadListState {
  if (state.status !== 'ready' || event.folderId !== state.folderId) return state;
  const email = event.email;
  if (state.seenMessageIds.has(email.id)) return state;
  const existing = state.threads.find((t) => t.id === email.threadId);
  const sender = { address: email.fromEmail, name: email.fromName };
  const snippet = email.snippet ?? email.bodyText.replace(/\s+/g, ' ').trim().slice(0, 200);
  const unreadDelta = email.isRead ? 0 : 1;
  const updated: ThreadSummaryDto = existing
    ? {
        ...existing,
        messageCount: existing.messageCount + 1,
        unreadCount: existing.unreadCount + unreadDelta,
        lastMessageAt: maxIso(existing.lastMessageAt, email.createdAt),
        snippet,
        participants: existing.participants.some((p) => sameAddress(p.address, sender.address))
          ? existing.participants
          : [...existing.participants, sender],
        hasAttachments: existing.hasAttachments || !!email.hasAttachments,
        isStarred: existing.isStarred || !!email.isStarred,
      }
    : {
        id: email.threadId,
        subject: email.subject,
        messageCount: 1,
        unreadCount: unreadDelta,
        lastMessageAt: email.createdAt,
        snippet,
        participants: [sender],
        hasAttachments: !!email.hasAttachments,
        isStarred: !!email.isStarred,
      };
  const others = state.threads.filter((t) => t.id !== updated.id);
  const seenMessageIds = new Set(state.seenMessageIds).add(email.id);
  return { ...state, threads: insertByRecency(others, updated), seenMessageIds };
}

/** Lists are newest first by last message time; a new mail normally lands on top. */
function insertByRecency(threads: ThreadSummaryDto[], thread: ThreadSummaryDto): ThreadSummaryDto[] {
  const index = threads.findIndex((t) => t.lastMessageAt <= thread.lastMessageAt);
  if (index === -1) return [...threads, thread];
  return [...threads.slice(0, index), thread, ...threads.slice(index)];
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
