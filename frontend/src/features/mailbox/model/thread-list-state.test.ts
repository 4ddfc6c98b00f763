import type { ThreadSummaryDto } from '@contracts/api';
import type { NewEmailEvent } from '@contracts/events';
import { describe, expect, it } from 'vitest';
import { initialThreadListState, mergeHead, threadListReducer, type ThreadListState } from './thread-list-state';

function thread(id: number, lastMessageAt: string, extra: Partial<ThreadSummaryDto> = {}): ThreadSummaryDto {
  return {
    id,
    subject: `Subject ${id}`,
    messageCount: 1,
    unreadCount: 0,
    lastMessageAt,
    snippet: `snippet ${id}`,
    participants: [{ address: `p${id}@example.com`, name: `P${id}` }],
    hasAttachments: false,
    isStarred: false,
    ...extra,
  };
}

function readyState(threads: ThreadSummaryDto[], nextCursor: string | null = null, folderId = 1): ThreadListState {
  const loading = threadListReducer(initialThreadListState, { type: 'reset', folderId });
  return threadListReducer(loading, { type: 'pageLoaded', folderId, threads, nextCursor, append: false });
}

function newEmail(over: Partial<NewEmailEvent['email']> & { id: number; threadId: number }, folderId = 1): NewEmailEvent {
  return {
    folderId,
    email: {
      fromEmail: 'ann@example.com',
      fromName: 'Ann',
      subject: 'Hello',
      bodyText: 'Hi there',
      bodyHtml: '',
      isRead: false,
      sentAt: '2026-11-21T12:00:00.000Z',
      createdAt: '2026-11-21T12:00:00.000Z',
      folderId,
      snippet: 'Hi there',
      hasAttachments: false,
      isStarred: false,
      ...over,
    },
  };
}

describe('thread list paging', () => {
  it('appends the next page without duplicates and keeps the new cursor', () => {
    const s1 = readyState([thread(3, '2026-11-21T03:00:00Z'), thread(2, '2026-11-21T02:00:00Z')], 'c1');
    const s2 = threadListReducer(s1, {
      type: 'pageLoaded',
      folderId: 1,
      threads: [thread(2, '2026-11-21T02:00:00Z'), thread(1, '2026-11-21T01:00:00Z')],
      nextCursor: null,
      append: true,
    });
    expect(s2.threads.map((t) => t.id)).toEqual([3, 2, 1]);
    expect(s2.nextCursor).toBeNull();
  });

  it('ignores a late page for a folder that is no longer shown', () => {
    const s1 = threadListReducer(readyState([thread(1, '2026-11-21T01:00:00Z')]), { type: 'reset', folderId: 2 });
    const s2 = threadListReducer(s1, { type: 'pageLoaded', folderId: 1, threads: [thread(9, 'x')], nextCursor: null, append: false });
    expect(s2).toBe(s1);
  });

  it('keeps the list when "load more" fails, but shows the error state when the first load fails', () => {
    const ready = readyState([thread(1, '2026-11-21T01:00:00Z')], 'c');
    const more = threadListReducer(ready, { type: 'loadFailed', folderId: 1, message: 'down' });
    expect(more.status).toBe('ready');
    expect(more.threads).toHaveLength(1);
    expect(more.error).toBe('down');
    const first = threadListReducer(threadListReducer(initialThreadListState, { type: 'reset', folderId: 1 }), {
      type: 'loadFailed',
      folderId: 1,
      message: 'down',
    });
    expect(first.status).toBe('error');
  });
});

describe('live new_email merging', () => {
  it('puts a brand-new thread on top with one unread message', () => {
    const s = readyState([thread(1, '2026-11-21T01:00:00.000Z')]);
    const next = threadListReducer(s, { type: 'newEmail', event: newEmail({ id: 50, threadId: 7, hasAttachments: true }) });
    expect(next.threads.map((t) => t.id)).toEqual([7, 1]);
    expect(next.threads[0]).toMatchObject({
      subject: 'Hello',
      messageCount: 1,
      unreadCount: 1,
      snippet: 'Hi there',
      hasAttachments: true,
      participants: [{ address: 'ann@example.com', name: 'Ann' }],
    });
  });

  it('moves an existing thread to the top, counting the new message once even if the event repeats', () => {
    const s = readyState([
      thread(2, '2026-11-21T02:00:00.000Z'),
      thread(1, '2026-11-21T01:00:00.000Z', { messageCount: 2, unreadCount: 0 }),
    ]);
    const event = newEmail({ id: 51, threadId: 1, fromEmail: 'bob@example.com', fromName: 'Bob' });
    const once = threadListReducer(s, { type: 'newEmail', event });
    const twice = threadListReducer(once, { type: 'newEmail', event });
    expect(twice.threads.map((t) => t.id)).toEqual([1, 2]);
    expect(twice.threads[0]).toMatchObject({ messageCount: 3, unreadCount: 1, lastMessageAt: '2026-11-21T12:00:00.000Z' });
    expect(twice.threads[0]!.participants.map((p) => p.address)).toEqual(['p1@example.com', 'bob@example.com']);
  });

  it('ignores mail for another folder and mail arriving while the list is still loading', () => {
    const s = readyState([thread(1, '2026-11-21T01:00:00.000Z')]);
    expect(threadListReducer(s, { type: 'newEmail', event: newEmail({ id: 1, threadId: 9 }, 2) })).toBe(s);
    const loading = threadListReducer(s, { type: 'reset', folderId: 1 });
    expect(threadListReducer(loading, { type: 'newEmail', event: newEmail({ id: 1, threadId: 9 }) })).toBe(loading);
  });

  it('does not count an already-read message (e.g. the Sent copy) as unread', () => {
    const s = readyState([]);
    const next = threadListReducer(s, { type: 'newEmail', event: newEmail({ id: 5, threadId: 5, isRead: true }) });
    expect(next.threads[0]!.unreadCount).toBe(0);
  });
});

describe('optimistic patches and head refresh', () => {
  it('patches and removes threads', () => {
    const s = readyState([thread(1, 'a'), thread(2, 'b')]);
    const starred = threadListReducer(s, { type: 'threadPatched', threadId: 2, patch: { isStarred: true } });
    expect(starred.threads[1]!.isStarred).toBe(true);
    const removed = threadListReducer(starred, { type: 'threadRemoved', threadId: 1 });
    expect(removed.threads.map((t) => t.id)).toEqual([2]);
  });

  it('replaces the whole list when the fresh head is the entire folder', () => {
    const current = [thread(3, '2026-11-21T03:00:00Z'), thread(2, '2026-11-21T02:00:00Z')];
    expect(mergeHead(current, null, [thread(2, '2026-11-21T02:00:00Z')], null)).toEqual({
      threads: [thread(2, '2026-11-21T02:00:00Z')],
      nextCursor: null,
    });
  });

  it('keeps older loaded threads below a partial head and the old cursor after them', () => {
    const current = [
      thread(4, '2026-11-21T04:00:00Z'),
      thread(3, '2026-11-21T03:00:00Z'),
      thread(2, '2026-11-21T02:00:00Z'),
      thread(1, '2026-11-21T01:00:00Z'),
    ];
    const head = [thread(5, '2026-11-21T05:00:00Z'), thread(3, '2026-11-21T03:00:00Z', { isStarred: true })];
    const merged = mergeHead(current, 'old-cursor', head, 'head-cursor');
    expect(merged.threads.map((t) => t.id)).toEqual([5, 3, 2, 1]); // 4 left the folder
    expect(merged.threads[1]!.isStarred).toBe(true);
    expect(merged.nextCursor).toBe('old-cursor');
  });

  it('applies headRefreshed only to a ready list of the same folder', () => {
    const s = readyState([thread(1, 'a')]);
    expect(threadListReducer(s, { type: 'headRefreshed', folderId: 2, threads: [], nextCursor: null })).toBe(s);
    expect(threadListReducer(s, { type: 'headRefreshed', folderId: 1, threads: [], nextCursor: null }).threads).toEqual([]);
  });
});
