// The connections to Redis: one for commands and one held in subscriber
// mode (the Socket.IO adapter's channels). Commands fail at once while Redis
// is away (no offline queue): every user of them has an answer without it,
// so nothing waits on Redis, and nothing piles up in memory meanwhile. Both
// reconnect on their own, for as long as the process runs.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../shared/logger.js';

export type RedisLinkState = 'up' | 'down';

export interface RedisLink {
  /** for commands and PUBLISH; rejects at once while Redis is down */
  readonly command: Redis;
  /** subscriptions only; re-subscribes by itself after a reconnect */
  readonly subscriber: Redis;
  /** a key or channel under REDIS_KEY_PREFIX */
  key(...parts: Array<string | number>): string;
  state(): RedisLinkState;
  close(): Promise<void>;
}

/** How long start-up waits for Redis before going on without it (it keeps trying). */
const FIRST_CONNECT_WAIT_MS = 3_000;

export async function openRedisLink(settings: { url: string; keyPrefix: string }, log: Logger): Promise<RedisLink> {
  const base: RedisOptions = {
    // A command in flight when the connection drops fails rather than waiting for the next one.
    maxRetriesPerRequest: 0,
    // A Redis that accepts but does not answer is as good as down. Not shorter: on a busy machine a
    // blocked event loop can see the timer before the answer that arrived in time.
    commandTimeout: 5_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    lazyConnect: true,
  };
  const command = new Redis(settings.url, { ...base, enableOfflineQueue: false, connectionName: 'chitbox' });
  // Subscriptions wait for Redis, however long it is away (none is ever dropped); nothing else is sent on this one.
  const subscriber = new Redis(settings.url, {
    ...base, commandTimeout: undefined, maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'chitbox-sub',
  });
  let closing = false;
  watch(command, 'commands', log, () => closing);
  watch(subscriber, 'subscriptions', log, () => closing);
  const ready = Promise.all([command.connect(), subscriber.connect()]);
  ready.catch(() => undefined); // reported by watch(); the clients go on retrying
  const first = await Promise.race([ready.then(() => true, () => false), delay(FIRST_CONNECT_WAIT_MS).then(() => false)]);
  if (!first) log.warn('Redis does not answer; starting without it (events stay on this instance until it does)');
  return {
    command,
    subscriber,
    key: (...parts) => [settings.keyPrefix, ...parts].join(':'),
    state: () => (command.status === 'ready' && subscriber.status === 'ready' ? 'up' : 'down'),
    async close() {
      closing = true;
      await Promise.allSettled([command.quit(), subscriber.quit()]);
      command.disconnect();
      subscriber.disconnect();
    },
  };
}

/** One line when a connection goes down and one when it is back, not one per retry. */
function watch(client: Redis, role: string, log: Logger, closing: () => boolean): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (!down && !closing()) log.warn({ role, err: err.message }, 'Redis connection failed; retrying');
    down = true;
  });
  client.on('close', () => {
    if (!down && !closing()) log.warn({ role }, 'Redis connection lost; retrying');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'Redis connection back');
    down = false;
  });
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
  });
