// What instances share through Redis, built in one place for compose.ts:
// presence, counters, the Socket.IO adapter, the wake of IMAP sessions by
// mailbox changes, and Redis's state for /health.
import type { Config } from '../config/config.js';
import type { MailboxChanges } from '../core/mailbox-changes.js';
import type { Logger } from '../shared/logger.js';
import { shareMailboxChanges, type MailboxWake } from './mailbox-wake.js';
import { RedisCounters } from './redis-counters.js';
import { openRedisLink, type RedisLinkState } from './redis-link.js';
import { RedisPresence } from './redis-presence.js';
import { redisSocketAdapter, type SocketAdapterFactory } from './socket-adapter.js';

/** A heartbeat every 5 s: an instance that died is offline for the others within 15 s. */
const PRESENCE_BEAT_MS = 5_000;

export interface RedisShared {
  presence: RedisPresence;
  counters: RedisCounters;
  socketAdapter: SocketAdapterFactory;
  /** publishes the core's mailbox changes to the other instances and hands it theirs (once the core is built) */
  shareMailboxChanges(changes: MailboxChanges): void;
  state(): RedisLinkState;
  close(): Promise<void>;
}

export async function openRedisShared(config: Pick<Config, 'instance'> & { redis: NonNullable<Config['redis']> }, log: Logger): Promise<RedisShared> {
  const link = await openRedisLink(config.redis, log);
  const presence = new RedisPresence(link, { instance: config.instance.id, beatMs: PRESENCE_BEAT_MS }, log.child({ component: 'presence' }));
  presence.start();
  let wake: MailboxWake | null = null;
  return {
    presence,
    counters: new RedisCounters(link, log.child({ component: 'counters' })),
    socketAdapter: redisSocketAdapter(link, log.child({ component: 'realtime' })).adapter,
    shareMailboxChanges(changes) {
      wake?.close();
      wake = shareMailboxChanges(link, changes, config.instance.id, log.child({ component: 'imap' }));
    },
    state: () => link.state(),
    async close() {
      wake?.close();
      await presence.stop();
      await link.close();
    },
  };
}
