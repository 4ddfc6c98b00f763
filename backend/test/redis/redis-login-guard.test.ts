// The per-account back-off through a real Redis: two instances (two
// LoginGuards on two connections) see one account's failures together, and
// the clients known to it; with Redis away a login still answers, at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginGuard } from '../../src/core/login-guard.js';
import { RedisCounters } from '../../src/redis/redis-counters.js';
import { openRedisLink, type RedisLink } from '../../src/redis/redis-link.js';
import { createLogger } from '../../src/shared/logger.js';
import { waitFor } from '../sending/relay-sink.js';
import { dropKeys, redisUnavailable, startRedisProxy, testPrefix, type RedisProxy } from '../support/redis-fixture.js';
import { gatedVerify } from '../support/gated-verify.js';

const unavailable = await redisUnavailable();
if (unavailable) console.warn(`skipping the Redis login guard tests: ${unavailable}`);
const log = createLogger({ level: 'silent', pretty: false });

describe.skipIf(unavailable !== null)('LoginGuard over Redis', () => {
  const keyPrefix = testPrefix();
  let proxy: RedisProxy;
  let linkA: RedisLink;
  let linkB: RedisLink;
  // A back-off far longer than the test: nothing here waits for one to end.
  const guardOn = (link: RedisLink) =>
    new LoginGuard({ perIp: 100, freeFailures: 3, backoffBaseMs: 600_000, backoffMaxMs: 600_000, counters: new RedisCounters(link, log) });

  beforeAll(async () => {
    proxy = await startRedisProxy();
    linkA = await openRedisLink({ url: proxy.url, keyPrefix }, log);
    linkB = await openRedisLink({ url: proxy.url, keyPrefix }, log);
  });

  afterAll(async () => {
    await linkA?.close();
    await linkB?.close();
    await proxy?.close();
    await dropKeys(keyPrefix);
  });

  it("backs an account off on B after A's failures, and lets A's known client through on B", async () => {
    const a = guardOn(linkA);
    const b = guardOn(linkB);
    const user = { id: 1 };
    let checks = 0;
    const wrong = async () => {
      checks++;
      return null;
    };
    expect(await a.attempt('192.0.2.10', 'ceo@x.test', async () => user)).toEqual({ ok: true, user });
    for (let i = 0; i < 3; i++) expect(await a.attempt(`198.51.100.${i}`, 'ceo@x.test', wrong)).toEqual({ ok: false, reason: 'failed' });
    const stranger = await b.attempt('203.0.113.7', 'ceo@x.test', wrong);
    expect(stranger).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(!stranger.ok && stranger.reason === 'account_backoff' && stranger.retryAfterMs).toBeGreaterThan(500_000);
    expect(checks).toBe(3);
    expect(await b.attempt('192.0.2.10', 'ceo@x.test', async () => user)).toEqual({ ok: true, user });
  });

  it('gives parallel attempts on both instances freeFailures password checks in all', async () => {
    const a = guardOn(linkA);
    const b = guardOn(linkB);
    const { verify, release, checks } = gatedVerify();
    const all = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).attempt(`198.51.100.${i}`, 'burst@x.test', verify));
    let answered = 0;
    for (const p of all) void p.then(() => answered++);
    await waitFor(() => checks() + answered === 20, 'every attempt to start its check or be refused');
    release();
    const outcomes = await Promise.all(all);
    expect(checks()).toBe(3);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'account_backoff')).toHaveLength(17);
  });

  it('signs in and fails on its own counts, without waiting, while Redis is away', async () => {
    const a = guardOn(linkA);
    await proxy.down();
    await waitFor(() => linkA.state() === 'down', 'the link to see Redis gone');
    const started = Date.now();
    expect(await a.attempt('192.0.2.10', 'away@x.test', async () => ({ id: 2 }))).toEqual({ ok: true, user: { id: 2 } });
    for (let i = 0; i < 3; i++) expect(await a.attempt(`198.51.100.${i}`, 'away@x.test', async () => null)).toEqual({ ok: false, reason: 'failed' });
    expect(await a.attempt('203.0.113.7', 'away@x.test', async () => ({ id: 2 }))).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(Date.now() - started).toBeLessThan(1_000); // no bound was waited out: the commands fail at once
    await proxy.up();
    await waitFor(() => linkA.state() === 'up', 'the link to reconnect', 20_000);
  });
});
