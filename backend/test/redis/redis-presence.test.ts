// Presence shared through a real Redis: a user is online while a socket of
// theirs is open on any live instance; an instance that stops beating drops
// out after its TTL; counts missed while Redis was away heal on the next beat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisLink, type RedisLink } from '../../src/redis/redis-link.js';
import { RedisPresence } from '../../src/redis/redis-presence.js';
import { createLogger } from '../../src/shared/logger.js';
import { waitFor } from '../sending/relay-sink.js';
import { dropKeys, redisUnavailable, startRedisProxy, testPrefix, type RedisProxy } from '../support/redis-fixture.js';

const unavailable = await redisUnavailable();
if (unavailable) console.warn(`skipping the Redis presence tests: ${unavailable}`);
const log = createLogger({ level: 'silent', pretty: false });

describe.skipIf(unavailable !== null)('RedisPresence', () => {
  const keyPrefix = testPrefix();
  let proxy: RedisProxy;
  let link: RedisLink;
  // The instances' clock, which the test moves; no heartbeat timers run: the test beats.
  let now = Date.UTC(2026, 11, 6, 12, 0, 0);
  const clock = () => now;
  const instance = (id: string) => new RedisPresence(link, { instance: id, beatMs: 5_000, now: clock }, log);

  beforeAll(async () => {
    proxy = await startRedisProxy();
    link = await openRedisLink({ url: proxy.url, keyPrefix }, log);
  });

  afterAll(async () => {
    await link?.close();
    await proxy?.close();
    await dropKeys(keyPrefix);
  });

  it('is online while any instance holds a socket of the user, and offline after the last one closes anywhere', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.beat();
    await b.beat();
    expect(await a.socketOpened(1)).toBe(true);
    expect(await b.socketOpened(1)).toBe(false); // a second tab, on the other instance
    expect((await b.statusOf([1])).get(1)).toEqual({ online: true, lastSeenAt: null });
    expect(await a.socketClosed(1)).toBeNull(); // still open on b
    expect((await a.statusOf([1])).get(1)!.online).toBe(true);
    now += 1_000;
    expect(await b.socketClosed(1)).toEqual(new Date(now));
    expect((await a.statusOf([1, 2])).get(1)).toEqual({ online: false, lastSeenAt: new Date(now) });
    expect((await a.statusOf([2])).get(2)).toEqual({ online: false, lastSeenAt: null });
    await a.stop();
    await b.stop();
  });

  it('forgets the sockets of an instance that died once its heartbeat is three beats old', async () => {
    const dying = instance('dying');
    const alive = instance('alive');
    await dying.beat();
    await alive.beat();
    expect(await dying.socketOpened(7)).toBe(true);
    now += 10_000;
    await alive.beat(); // the dying one has stopped beating (killed)
    expect((await alive.statusOf([7])).get(7)!.online).toBe(true);
    now += 5_001; // 15 s since its last beat
    expect((await alive.statusOf([7])).get(7)!.online).toBe(false);
    // A user who comes back on the live instance is online again from its first socket.
    expect(await alive.socketOpened(7)).toBe(true);
    await alive.stop();
  });

  it("answers from this instance while Redis is away, and the next beat after it is back restores the instance's counts", async () => {
    const a = instance('outage-a');
    const b = instance('outage-b');
    await a.beat();
    await b.beat();
    await proxy.down();
    await waitFor(() => link.state() === 'down', 'the link to see Redis gone');
    expect(await a.socketOpened(9)).toBe(true); // this instance's own view
    expect((await a.statusOf([9])).get(9)!.online).toBe(true);
    await proxy.up();
    await waitFor(() => link.state() === 'up', 'the link to reconnect', 20_000);
    expect((await b.statusOf([9])).get(9)!.online).toBe(false); // Redis never heard of that socket
    await a.beat();
    await b.beat();
    expect((await b.statusOf([9])).get(9)!.online).toBe(true);
    await a.stop(); // a clean stop takes its sockets out at once
    expect((await b.statusOf([9])).get(9)!.online).toBe(false);
    await b.stop();
  });
});
