import type { MessageDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { alreadyStored, outboxIn, outboxReducer, type OutboxEntry } from './outbox';

const request = { to: ['jane@example.com'], cc: [], subject: 'Re: Plans', inReplyToId: 3 };
const queued = (localId: string, threadId = 7) =>
  ({ type: 'queued', entry: { localId, threadId, request, text: `hi ${localId}`, files: [], createdAt: '2026-11-21T10:00:00.000Z' } }) as const;
const stored = (id: number) => ({ id, threadId: 7 }) as MessageDto;

describe('outbox', () => {
  it('a bubble goes sending → sent → gone once the conversation holds the stored copy', () => {
    let s: OutboxEntry[] = outboxReducer([], queued('a'));
    expect(s[0]!.status).toBe('sending');
    s = outboxReducer(s, { type: 'sent', localId: 'a', message: stored(41) });
    expect(s[0]).toMatchObject({ status: 'sent', message: { id: 41 } });
    // Another message stored: this one stays until its own copy is there.
    s = outboxReducer(s, { type: 'stored', messageIds: [40] });
    expect(s).toHaveLength(1);
    s = outboxReducer(s, { type: 'stored', messageIds: [40, 41] });
    expect(s).toEqual([]);
  });

  it('a failed send stays with its error, and a retry sends it again', () => {
    let s = outboxReducer([], queued('a'));
    s = outboxReducer(s, { type: 'failed', localId: 'a', error: 'The server is unreachable' });
    expect(s[0]).toMatchObject({ status: 'failed', error: 'The server is unreachable' });
    // Stored ids never remove a failed entry.
    s = outboxReducer(s, { type: 'stored', messageIds: [1, 2, 3] });
    expect(s).toHaveLength(1);
    s = outboxReducer(s, { type: 'retrying', localId: 'a' });
    expect(s[0]).toMatchObject({ status: 'sending', error: undefined });
  });

  it('discards a failed bubble, but not one being sent', () => {
    let s = outboxReducer(outboxReducer([], queued('a')), queued('b'));
    s = outboxReducer(s, { type: 'failed', localId: 'a', error: 'x' });
    s = outboxReducer(s, { type: 'discarded', localId: 'a' });
    s = outboxReducer(s, { type: 'discarded', localId: 'b' });
    expect(s.map((e) => e.localId)).toEqual(['b']);
  });

  it('keeps conversations apart and the order of writing', () => {
    let s = outboxReducer([], queued('a', 1));
    s = outboxReducer(s, queued('b', 2));
    s = outboxReducer(s, queued('c', 1));
    expect(outboxIn(s, 1).map((e) => e.localId)).toEqual(['a', 'c']);
  });

  it('answers the same state when nothing changed (no re-render)', () => {
    const s = outboxReducer([], queued('a'));
    expect(outboxReducer(s, { type: 'stored', messageIds: [9] })).toBe(s);
  });
});

describe('alreadyStored', () => {
  const entry = (localId: string, text: string, createdAt: string, status: OutboxEntry['status'] = 'sending'): OutboxEntry => ({
    localId, threadId: 7, request, text, files: [], createdAt, status,
  });

  it('matches a bubble being sent to its stored copy by its words, one copy each', () => {
    const entries = [entry('a', 'ok\n', '2026-11-21T10:00:00Z'), entry('b', 'ok', '2026-11-21T10:00:01Z'), entry('c', 'later', '2026-11-21T10:00:02Z')];
    const stored = [
      { id: 1, bodyText: 'ok', createdAt: '2026-11-21T09:00:00Z' }, // an old "ok": not this one
      { id: 2, bodyText: 'ok\r\n', createdAt: '2026-11-21T10:00:00.5Z' },
    ];
    expect(alreadyStored(entries, stored)).toEqual(new Map([['a', 2]]));
  });

  it('leaves failed and answered entries alone', () => {
    const entries = [entry('a', 'x', '2026-11-21T10:00:00Z', 'failed'), entry('b', 'x', '2026-11-21T10:00:00Z', 'sent')];
    expect(alreadyStored(entries, [{ id: 2, bodyText: 'x', createdAt: '2026-11-21T10:00:01Z' }]).size).toBe(0);
  });
});
