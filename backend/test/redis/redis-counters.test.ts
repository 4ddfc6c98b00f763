// The shared counters on a real Redis: two instances count into one window;
// with Redis away each counts alone, and the shared count resumes after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCounters } from '../../src/redis/redis-counters.js';
import { openRedisLink, type RedisLink } from '../../src/redis/redis-link.js';
import { createLogger } from '../../src/shared/logger.js';
import { waitFor } from '../sending/relay-sink.js';
import { dropKeys, redisUnavailable, startRedisProxy, testPrefix, type RedisProxy } from '../support/redis-fixture.js';

const unavailable = await redisUnavailable();
if (unavailable) console.warn(`skipping the Redis counter tests: ${unavailable}`);
const log = createLogger({ level: 'silent', pretty: false });

describe.skipIf(unavailable !== null)('RedisCounters', () => {
  const keyPrefix = testPrefix();
  let proxy: RedisProxy;
  let a: RedisLink;
  let b: RedisLink;

  beforeAll(async () => {
    proxy = await startRedisProxy();
    a = await openRedisLink({ url: proxy.url, keyPrefix }, log);
    b = await openRedisLink({ url: proxy.url, keyPrefix }, log);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await proxy?.close();
    await dropKeys(keyPrefix);
  });

  it('counts what every instance adds into one window, with one end for all', async () => {
    const onA = new RedisCounters(a, log);
    const onB = new RedisCounters(b, log);
    const first = await onA.add('ip:203.0.113.9', 60_000);
    expect(first.count).toBe(1);
    expect((await onB.add('ip:203.0.113.9', 60_000)).count).toBe(2);
    expect((await onA.add('ip:203.0.113.9', 60_000, 3)).count).toBe(5);
    const seen = await onB.peek('ip:203.0.113.9', 60_000);
    expect(seen.count).toBe(5);
    expect(Math.abs(seen.resetAt - first.resetAt)).toBeLessThan(5_000);
    expect((await onB.add('ip:203.0.113.9', 60_000, -10)).count).toBe(0);
    await onA.reset('ip:203.0.113.9');
    expect((await onB.peek('ip:203.0.113.9', 60_000)).count).toBe(0);
    // A window ends for everyone together.
    await onA.add('short', 50);
    await waitFor(async () => (await onB.peek('short', 50)).count === 0, 'the short window to end');
  });

  it('counts on each instance alone while Redis is away, without waiting, and shares again when it is back', async () => {
    const onA = new RedisCounters(a, log);
    await onA.add('outage', 60_000);
    await proxy.down();
    await waitFor(() => a.state() === 'down', 'the link to see Redis gone');
    const started = Date.now();
    expect((await onA.add('outage', 60_000)).count).toBe(1); // this instance's own count
    expect((await onA.add('outage', 60_000)).count).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000); // no command timeout was waited for
    await proxy.up();
    await waitFor(() => a.state() === 'up' && b.state() === 'up', 'the links to reconnect', 20_000);
    expect((await new RedisCounters(b, log).add('outage', 60_000)).count).toBe(2); // the shared count went on from 1
  });
});
