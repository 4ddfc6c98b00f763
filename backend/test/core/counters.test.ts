import { describe, expect, it } from 'vitest';
import { LocalCounters } from '../../src/core/counters.js';
import { WindowCounter } from '../../src/core/rate-limits.js';

describe('LocalCounters and WindowCounter', () => {
  it('counts per key in fixed windows that start with the first count', async () => {
    let now = 1_000_000;
    const counters = new LocalCounters(() => now);
    expect(await counters.add('a', 60_000)).toEqual({ count: 1, resetAt: 1_060_000 });
    now += 30_000;
    expect(await counters.add('a', 60_000, 2)).toEqual({ count: 3, resetAt: 1_060_000 });
    expect(await counters.peek('b', 60_000)).toEqual({ count: 0, resetAt: now + 60_000 });
    expect((await counters.add('a', 60_000, -5)).count).toBe(0); // never below zero
    now += 30_000; // the window ended
    expect(await counters.peek('a', 60_000)).toEqual({ count: 0, resetAt: now + 60_000 });
    await counters.add('c', 1_000);
    await counters.reset('c');
    expect((await counters.peek('c', 1_000)).count).toBe(0);
  });

  it('allows up to the limit per window, keeps limits apart by name, and says when to retry', async () => {
    let now = 0;
    const counters = new LocalCounters(() => now);
    const conn = new WindowCounter(counters, 'conn', 2, 60_000, () => now);
    const msgs = new WindowCounter(counters, 'msgs', 1, 60_000, () => now);
    expect((await conn.hit('203.0.113.1')).allowed).toBe(true);
    expect((await conn.hit('203.0.113.1')).allowed).toBe(true);
    now = 20_000;
    expect(await conn.hit('203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect((await conn.hit('203.0.113.2')).allowed).toBe(true);
    expect((await msgs.check('203.0.113.1')).allowed).toBe(true);
    await msgs.add('203.0.113.1');
    expect((await msgs.check('203.0.113.1')).allowed).toBe(false);
    now = 60_000;
    expect((await conn.hit('203.0.113.1')).allowed).toBe(true);
    const off = new WindowCounter(counters, 'off', 0, 60_000);
    for (let i = 0; i < 5; i++) expect((await off.hit('x')).allowed).toBe(true);
  });
});
