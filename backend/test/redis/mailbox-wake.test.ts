// Mailbox changes across instances on a real Redis: a burst of changes on A
// is one PUBLISH, reaches B as changes made elsewhere (for those users only),
// does not come back to A, and is never published again by B. With A cut off
// from Redis a change still reaches A's own listeners and the wake is dropped
// without waiting; once A is back, both sides wake everyone once (each may
// have missed the other's wakes) and wakes cross again.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/event-bus.js';
import { MailboxChanges, type ChangedUser, type MailboxChangeOrigin } from '../../src/core/mailbox-changes.js';
import { shareMailboxChanges, type MailboxWake } from '../../src/redis/mailbox-wake.js';
import { openRedisLink, type RedisLink } from '../../src/redis/redis-link.js';
import { createLogger } from '../../src/shared/logger.js';
import type { MessageRecord } from '../../src/storage/records.js';
import { waitFor } from '../sending/relay-sink.js';
import { dropKeys, REDIS_URL, redisUnavailable, startRedisProxy, testPrefix, type RedisProxy } from '../support/redis-fixture.js';

const unavailable = await redisUnavailable();
if (unavailable) console.warn(`skipping the mailbox wake tests: ${unavailable}`);
const log = createLogger({ level: 'silent', pretty: false });

interface Instance {
  events: EventBus;
  changes: MailboxChanges;
  heard: Array<[ChangedUser, MailboxChangeOrigin]>;
  wake: MailboxWake;
}

describe.skipIf(unavailable !== null)('mailbox changes shared through Redis', () => {
  const keyPrefix = testPrefix();
  let proxy: RedisProxy;
  let linkA: RedisLink;
  let linkB: RedisLink;
  let a: Instance;
  let b: Instance;
  let spy: Redis;
  const published: string[] = [];

  const instance = (link: RedisLink, id: string): Instance => {
    const events = new EventBus();
    const changes = new MailboxChanges(events);
    const heard: Instance['heard'] = [];
    changes.subscribe((userId, origin) => heard.push([userId, origin]));
    return { events, changes, heard, wake: shareMailboxChanges(link, changes, id, log) };
  };
  const updated = (userId: number, id: number) => ({ userId, updates: [{ message: { id, userId } as MessageRecord, previousFolderId: 1 }] });
  const elsewhere = (i: Instance) => i.heard.filter(([, origin]) => origin === 'elsewhere').map(([userId]) => userId);
  const subscribed = async (link: RedisLink) => {
    const [, count] = (await link.command.pubsub('NUMSUB', `${keyPrefix}:mailbox:changed`)) as [string, number];
    return count;
  };

  beforeAll(async () => {
    proxy = await startRedisProxy();
    // Only A goes through the proxy: the outage below cuts A off, B keeps Redis.
    linkA = await openRedisLink({ url: proxy.url, keyPrefix }, log);
    linkB = await openRedisLink({ url: REDIS_URL, keyPrefix }, log);
    a = instance(linkA, 'instance-a');
    b = instance(linkB, 'instance-b');
    // Straight to Redis, not through the proxy: it hears every wake published.
    spy = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    spy.on('message', (_channel: string, message: string) => published.push(message));
    await spy.subscribe(`${keyPrefix}:mailbox:changed`);
    await waitFor(async () => (await subscribed(linkA)) === 3, 'both instances and the spy subscribed');
  });

  afterAll(async () => {
    a?.wake.close();
    b?.wake.close();
    await linkA?.close();
    await linkB?.close();
    spy?.disconnect();
    await proxy?.close();
    await dropKeys(keyPrefix);
  });

  it('publishes a turn\'s changes once, wakes the other instance for those users only, and not itself', async () => {
    for (let id = 1; id <= 1000; id++) a.events.publish('messages.updated', updated(id % 2 ? 7 : 8, id));
    a.events.publish('message.deleted', { userId: 9, id: 1, threadId: 1, folderId: 1 });
    await waitFor(() => elsewhere(b).length >= 3, 'B to hear of the changes made on A');
    expect(elsewhere(b).sort()).toEqual([7, 8, 9]);
    expect(b.heard.filter(([, origin]) => origin === 'here')).toEqual([]);

    // Redis delivers in order: once A hears B's change, it has had (and ignored) its own wake.
    b.events.publish('message.deleted', { userId: 10, id: 2, threadId: 2, folderId: 1 });
    await waitFor(() => elsewhere(a).length >= 1, 'A to hear of the change made on B');
    expect(elsewhere(a)).toEqual([10]);
    expect(a.heard.filter(([, origin]) => origin === 'here')).toHaveLength(1001);
    // B did not pass A's wake on: one message from A, one from B.
    await waitFor(() => published.length >= 2, 'the spy to hear both wakes');
    expect(published.map((m) => JSON.parse(m))).toEqual([
      { from: 'instance-a', users: [7, 8, 9] },
      { from: 'instance-b', users: [10] },
    ]);
  });

  it('ignores what is not a wake', async () => {
    await linkA.command.publish(`${keyPrefix}:mailbox:changed`, 'not json');
    await linkA.command.publish(`${keyPrefix}:mailbox:changed`, JSON.stringify({ from: 'x', users: ['1'] }));
    a.events.publish('message.deleted', { userId: 11, id: 3, threadId: 3, folderId: 1 });
    await waitFor(() => elsewhere(b).includes(11), 'B to hear the wake after the bad ones');
    expect(elsewhere(b)).toEqual(expect.arrayContaining([7, 8, 9, 11]));
    expect(elsewhere(b)).toHaveLength(4);
  });

  it('wakes A\'s listeners while A is cut off, drops the wake at once, and wakes everyone on both sides once A is back', async () => {
    await proxy.down();
    await waitFor(() => linkA.state() === 'down', 'A to see Redis gone');
    const before = a.heard.length;
    a.events.publish('message.deleted', { userId: 12, id: 4, threadId: 4, folderId: 1 });
    expect(a.heard.slice(before)).toEqual([[12, 'here']]);
    await waitFor(() => a.wake.dropped() === 1, 'the wake to be dropped');

    await proxy.up();
    // A may have missed B's wakes, and B missed A's: every session on each side looks once.
    await waitFor(() => elsewhere(a).includes('everyone'), 'A to wake everyone as its subscription returns', 30_000);
    await waitFor(() => elsewhere(b).includes('everyone'), 'B to wake everyone for the wake A dropped', 30_000);
    expect(elsewhere(b)).not.toContain(12);
    // A's subscription is renewed just after its connection is back: change on B until A hears.
    let id = 100;
    await waitFor(() => {
      if (elsewhere(a).includes(13)) return true;
      b.events.publish('message.deleted', { userId: 13, id: id++, threadId: 1, folderId: 1 });
      return false;
    }, 'A to hear of changes on B after it is back', 30_000);
    a.events.publish('message.deleted', { userId: 14, id: 5, threadId: 5, folderId: 1 });
    await waitFor(() => elsewhere(b).includes(14), 'B to hear of changes on A after it is back');
  });
});
