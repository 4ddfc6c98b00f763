import { describe, expect, it } from 'vitest';
import { buildTimeline, dayLabel, GROUP_GAP_MS, type TimelineEntry } from './chat-timeline';

// Local times, so the test means the same in every time zone.
const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).toISOString();
const entry = (key: string, who: 'me' | 'jane' | 'bob', time: string): TimelineEntry => ({
  key,
  senderAddress: who === 'me' ? 'me@example.com' : `${who}@example.com`,
  senderName: who,
  mine: who === 'me',
  at: time,
});
const now = new Date(2026, 10, 21, 18, 0);

describe('buildTimeline', () => {
  it('groups runs of one sender within a few minutes, under day separators', () => {
    const items = buildTimeline(
      [
        entry('1', 'jane', at(2026, 11, 20, 9, 0)),
        entry('2', 'jane', at(2026, 11, 20, 9, 2)),
        entry('3', 'me', at(2026, 11, 20, 9, 3)),
        entry('4', 'me', at(2026, 11, 21, 10, 0)),
        entry('5', 'me', at(2026, 11, 21, 10, 4)),
        entry('6', 'me', at(2026, 11, 21, 10, 20)), // more than 5 min later: a new group
        entry('7', 'bob', at(2026, 11, 21, 10, 21)),
      ],
      now,
      'en-GB',
    );
    expect(items.map((i) => (i.type === 'day' ? `day:${i.label}` : `${i.senderName}:${i.entries.map((e) => e.key).join(',')}`))).toEqual([
      'day:Yesterday',
      'jane:1,2',
      'me:3',
      'day:Today',
      'me:4,5',
      'me:6',
      'bob:7',
    ]);
  });

  it('orders by time and keeps the given order for equal times', () => {
    const t = at(2026, 11, 21, 10, 0);
    const items = buildTimeline([entry('b', 'me', t), entry('late', 'jane', at(2026, 11, 21, 11)), entry('a', 'me', t)], now);
    const groups = items.filter((i) => i.type === 'group');
    expect(groups.map((g) => g.entries.map((e) => e.key))).toEqual([['b', 'a'], ['late']]);
  });

  it('starts a new group after the gap even for the same sender', () => {
    const start = new Date(2026, 10, 21, 10, 0).getTime();
    const items = buildTimeline(
      [entry('1', 'jane', new Date(start).toISOString()), entry('2', 'jane', new Date(start + GROUP_GAP_MS + 1000).toISOString())],
      now,
    );
    expect(items.filter((i) => i.type === 'group')).toHaveLength(2);
  });

  it('compares addresses without case', () => {
    const items = buildTimeline(
      [entry('1', 'jane', at(2026, 11, 21, 10)), { ...entry('2', 'jane', at(2026, 11, 21, 10, 1)), senderAddress: 'JANE@example.com' }],
      now,
    );
    expect(items.filter((i) => i.type === 'group')).toHaveLength(1);
  });
});

describe('dayLabel', () => {
  it('names recent days and dates older ones', () => {
    expect(dayLabel(new Date(2026, 10, 21, 0, 1), now, 'en-GB')).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 20, 23, 59), now, 'en-GB')).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 17, 12), now, 'en-GB')).toBe('Tuesday');
    // (ICU versions differ in punctuation: "Fri 2 October" or "Fri, 2 October".)
    expect(dayLabel(new Date(2026, 9, 2, 12), now, 'en-GB')).toMatch(/^Fri,? 2 October$/);
    expect(dayLabel(new Date(2025, 9, 2, 12), now, 'en-GB')).toMatch(/^Thu,? 2 October 2025$/);
  });
});
