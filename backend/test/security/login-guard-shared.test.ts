// The per-account back-off across instances: two LoginGuards over one shared
// counter store see one account's failures together, its back-off and the
// clients known to it; a store that does not answer holds no login up.
import { describe, expect, it } from 'vitest';
import { LocalCounters, type CounterStore } from '../../src/core/counters.js';
import { LoginGuard, type LoginGuardOptions } from '../../src/core/login-guard.js';
import { gatedVerify } from '../support/gated-verify.js';


function twoInstances(opts: Partial<LoginGuardOptions>) {
  let now = 1_000_000;
  const clock = () => now;
  const counters = new LocalCounters(clock);
  const make = () => new LoginGuard({ perIp: 100, freeFailures: 3, backoffBaseMs: 1_000, backoffMaxMs: 60_000, ...opts, now: clock, counters });
  return { a: make(), b: make(), advance: (ms: number) => (now += ms) };
}

describe('LoginGuard instances sharing counters', () => {
  it('backs an account off on instance B after failures on instance A, and the delay follows it back to A', async () => {
    const { a, b, advance } = twoInstances({});
    let checks = 0;
    const wrong = async () => {
      checks++;
      return null;
    };
    for (let i = 0; i < 3; i++) expect(await a.attempt(`198.51.100.${i}`, 'ceo@x.test', wrong)).toEqual({ ok: false, reason: 'failed' });
    expect(checks).toBe(3);
    // B has seen no failure of its own, and still makes the next client wait, without a check.
    const onB = await b.attempt('203.0.113.7', 'ceo@x.test', async () => ({ id: 1 }));
    expect(onB).toEqual({ ok: false, reason: 'account_backoff', retryAfterMs: 1_000 });
    // Another account is not held back.
    expect(await b.attempt('203.0.113.7', 'dora@x.test', async () => ({ id: 2 }))).toEqual({ ok: true, user: { id: 2 } });
    advance(1_000);
    expect(await b.attempt('203.0.113.8', 'ceo@x.test', wrong)).toEqual({ ok: false, reason: 'failed' });
    expect(checks).toBe(4);
    // The failure on B doubled the delay on A: 2 s from B's check.
    advance(1_999);
    expect(await a.attempt('203.0.113.9', 'ceo@x.test', wrong)).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(checks).toBe(4);
    advance(1);
    expect(await a.attempt('203.0.113.9', 'ceo@x.test', wrong)).toEqual({ ok: false, reason: 'failed' });
    expect(checks).toBe(5);
  });

  it('gives parallel attempts on both instances freeFailures password checks in all', async () => {
    const { a, b } = twoInstances({});
    const v = gatedVerify();
    const all = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).attempt(`198.51.100.${i}`, 'ceo@x.test', v.verify));
    // Every attempt has had its answers from the shared store before any check ends.
    await new Promise((r) => setImmediate(r));
    v.release();
    const outcomes = await Promise.all(all);
    expect(v.checks()).toBe(3);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'account_backoff')).toHaveLength(37);
  });

  it('lets a client that signed in on A through on B while strangers wait', async () => {
    const { a, b, advance } = twoInstances({ backoffBaseMs: 60_000 });
    const user = { id: 1 };
    expect(await a.attempt('192.0.2.10', 'dora@x.test', async () => user)).toEqual({ ok: true, user });
    for (let i = 0; i < 10; i++) await a.attempt(`198.51.100.${i}`, 'dora@x.test', async () => null);
    advance(1);
    expect(await b.attempt('192.0.2.11', 'dora@x.test', async () => user)).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(await b.attempt('192.0.2.10', 'dora@x.test', async () => user)).toEqual({ ok: true, user });
  });

  // A hang fails here rather than at the suite's timeout.
  it('goes on with its own counts when the shared store does not answer, waiting no longer than sharedWaitMs', { timeout: 15_000 }, async () => {
    const silent: CounterStore = { add: () => new Promise(() => undefined), peek: () => new Promise(() => undefined), reset: async () => undefined };
    const guard = new LoginGuard({ perIp: 100, freeFailures: 2, backoffBaseMs: 60_000, counters: silent, sharedWaitMs: 50 });
    const started = Date.now();
    expect(await guard.attempt('192.0.2.10', 'dora@x.test', async () => ({ id: 1 }))).toEqual({ ok: true, user: { id: 1 } });
    for (let i = 0; i < 2; i++) expect(await guard.attempt(`198.51.100.${i}`, 'dora@x.test', async () => null)).toEqual({ ok: false, reason: 'failed' });
    // The local back-off still holds.
    expect(await guard.attempt('198.51.100.9', 'dora@x.test', async () => ({ id: 1 }))).toMatchObject({ ok: false, reason: 'account_backoff' });
    // Four attempts, each waiting out a few bounded answers; never the store's (it never answers).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('goes on with its own counts when the shared store fails', async () => {
    const failing: CounterStore = {
      add: async () => { throw new Error('down'); },
      peek: async () => { throw new Error('down'); },
      reset: async () => undefined,
    };
    const guard = new LoginGuard({ perIp: 100, freeFailures: 2, backoffBaseMs: 60_000, counters: failing });
    expect(await guard.attempt('198.51.100.1', 'dora@x.test', async () => null)).toEqual({ ok: false, reason: 'failed' });
    expect(await guard.attempt('198.51.100.2', 'dora@x.test', async () => null)).toEqual({ ok: false, reason: 'failed' });
    expect(await guard.attempt('198.51.100.3', 'dora@x.test', async () => ({ id: 1 }))).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(await guard.attempt('127.0.0.1', 'dora@x.test', async () => ({ id: 1 }))).toEqual({ ok: true, user: { id: 1 } });
  });
});
