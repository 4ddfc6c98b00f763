// The Socket.IO Redis adapter: an event emitted to a user's room on one
// instance is published on Redis, and every instance delivers it to the
// sockets of that room it holds. While Redis is down an emit still reaches
// this instance's sockets; a publish that fails is dropped (counted, logged
// once per outage), never queued: a socket that reconnects refetches what it
// shows (realtime is a hint, REST is the truth).
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { RedisLink } from './redis-link.js';

export type SocketAdapterFactory = ReturnType<typeof createAdapter>;

export function redisSocketAdapter(link: RedisLink, log: Logger): { adapter: SocketAdapterFactory; dropped(): number } {
  let dropped = 0;
  let failing = false;
  const publish = (...args: Parameters<Redis['publish']>) =>
    link.command.publish(...args).then(
      (receivers) => {
        failing = false;
        return receivers;
      },
      (err: Error) => {
        dropped++;
        if (!failing) log.warn({ err: err.message }, 'Redis down: events reach this instance\'s sockets only');
        failing = true;
        return 0;
      },
    );
  // Everything else the adapter asks of the publishing client goes to it unchanged.
  const publisher = new Proxy(link.command, {
    get: (target, prop, receiver) => (prop === 'publish' ? publish : Reflect.get(target, prop, receiver)),
  });
  return { adapter: createAdapter(publisher, link.subscriber, { key: link.key('socket.io') }), dropped: () => dropped };
}
