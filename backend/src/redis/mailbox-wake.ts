// Mailbox changes across instances, so that an IDLE session on one hears of
// mail delivered, flagged, moved or deleted through another. Only the wake
// crosses Redis: the ids of the users whose mailbox changed here, gathered
// over one turn of the event loop into one PUBLISH that nothing waits for;
// each woken session then reads its folder's changes from the shared
// database. A change another instance published is handed to this one's
// MailboxChanges as made elsewhere, and is never published again; our own
// messages come back to us on the channel and are ignored (our sessions
// were woken already).
//
// While Redis is down a wake is dropped, not queued. A session that missed
// one would not look again until the user's next change, so once Redis is
// back every session is woken once to look: here when the subscription
// returns (we may have missed others' wakes), and on the other instances by
// a wake for everyone when our publishing returns (they may have missed ours).
import { z } from 'zod';
import type { MailboxChanges } from '../core/mailbox-changes.js';
import type { Logger } from '../shared/logger.js';
import type { RedisLink } from './redis-link.js';

const Wake = z.union([
  z.object({ from: z.string(), users: z.array(z.number().int().positive()).max(100_000) }),
  z.object({ from: z.string(), everyone: z.literal(true) }),
]);
type Wake = z.infer<typeof Wake>;

export interface MailboxWake {
  /** wakes dropped because Redis was down (one per turn, not per user) */
  dropped(): number;
  /** stops publishing and listening (the link itself is closed by its owner) */
  close(): void;
}

export function shareMailboxChanges(
  link: Pick<RedisLink, 'command' | 'subscriber' | 'key'>, changes: MailboxChanges, instance: string, log: Logger,
): MailboxWake {
  const channel = link.key('mailbox', 'changed');
  const channelBytes = Buffer.from(channel);
  const pending = new Set<number>();
  let dropped = 0;
  /** a wake was dropped: the others are owed a wake for everyone once Redis answers again */
  let owed = false;
  let closed = false;

  const publish = (wake: Wake) => {
    link.command.publish(channel, JSON.stringify(wake)).then(
      () => settle(),
      (err: Error) => {
        dropped++;
        if (!owed) log.warn({ err: err.message }, 'Redis down: mailbox changes wake IMAP sessions on this instance only');
        owed = true;
      },
    );
  };
  const flush = () => {
    if (closed) return;
    publish({ from: instance, users: [...pending] });
    pending.clear();
  };
  const unsubscribe = changes.subscribe((user, origin) => {
    if (origin !== 'here' || user === 'everyone') return;
    if (pending.size === 0) setImmediate(flush);
    pending.add(user);
  });

  // messageBuffer, not message: a 'message' listener would have ioredis turn
  // every Socket.IO payload on this connection into a string as well.
  const onMessage = (from: Buffer, payload: Buffer) => {
    if (!from.equals(channelBytes)) return;
    const wake = parse(payload);
    if (!wake) return log.warn('ignored a mailbox wake that is not one');
    if (wake.from === instance) return;
    if ('everyone' in wake) return changes.changedElsewhere('everyone');
    for (const userId of wake.users) changes.changedElsewhere(userId);
  };
  // 'ready' comes again after every reconnect; ioredis renews the subscription right after it.
  const onSubscriberBack = () => changes.changedElsewhere('everyone');
  /** Redis answers again (a publish went through, or the connection is back): pays what is owed. */
  const settle = () => {
    if (!owed || closed) return;
    owed = false;
    publish({ from: instance, everyone: true });
  };
  link.subscriber.on('messageBuffer', onMessage);
  link.subscriber.on('ready', onSubscriberBack);
  link.command.on('ready', settle);
  // The subscriber connection queues this until Redis answers, and renews it after a reconnect.
  link.subscriber.subscribe(channel).catch((err: Error) => log.warn({ err: err.message }, 'could not subscribe to mailbox changes'));

  return {
    dropped: () => dropped,
    close() {
      closed = true;
      unsubscribe();
      link.subscriber.off('messageBuffer', onMessage);
      link.subscriber.off('ready', onSubscriberBack);
      link.command.off('ready', settle);
      // Not awaited: while Redis is down the subscriber connection would hold it until Redis is back.
      link.subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}

function parse(payload: Buffer): Wake | null {
  try {
    const wake = Wake.safeParse(JSON.parse(payload.toString('utf8')));
    return wake.success ? wake.data : null;
  } catch {
    return null;
  }
}
