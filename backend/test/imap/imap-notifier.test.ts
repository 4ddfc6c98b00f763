// The IMAP notifier wakes a user's sessions once for all the events of one
// turn: an EXPUNGE of every message in a 10,000-message folder publishes
// 10,000 message.deleted events (a STORE once published one event per message
// too), and a wake per event had each session read the folder's changes
// 10,000 times (the server ran out of memory). A change another instance
// reported (MailboxChanges.changedElsewhere) wakes alike.
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { EventBus } from '../../src/core/event-bus.js';
import { MailboxChanges } from '../../src/core/mailbox-changes.js';
import type { MessageRecord } from '../../src/storage/records.js';
import { ImapNotifier } from '../../src/imap/imap-notifier.js';
import { createLogger } from '../../src/shared/logger.js';

describe('ImapNotifier', () => {
  it('wakes each of the user\'s sessions once for a burst of events, and again for a later one', async () => {
    const events = new EventBus();
    const mailboxChanges = new MailboxChanges(events);
    const notifier = new ImapNotifier({ mailboxChanges, imap: {} as Core['imap'] }, createLogger({ level: 'silent', pretty: false }));
    const woken = { mine: 0, other: 0 };
    notifier.addListener({ id: 'a', user: { id: 1 } }, () => woken.mine++);
    notifier.addListener({ id: 'b', user: { id: 2 } }, () => woken.other++);
    const updated = (id: number) => ({ userId: 1, updates: [{ message: { id, userId: 1 } as MessageRecord, previousFolderId: 1 }] });

    for (let id = 1; id <= 1000; id++) events.publish('messages.updated', updated(id));
    expect(woken.mine).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(woken).toEqual({ mine: 1, other: 0 });

    for (let id = 1; id <= 1000; id++) events.publish('message.deleted', { userId: 1, id, threadId: 1, folderId: 1 });
    await new Promise((r) => setImmediate(r));
    expect(woken).toEqual({ mine: 2, other: 0 });

    // A change another instance reported wakes the same way, once with this turn's local ones.
    mailboxChanges.changedElsewhere(2);
    mailboxChanges.changedElsewhere(2);
    events.publish('message.deleted', { userId: 2, id: 7, threadId: 7, folderId: 1 });
    await new Promise((r) => setImmediate(r));
    expect(woken).toEqual({ mine: 2, other: 1 });

    // Changes from elsewhere may have been missed (Redis was down): every session looks, once.
    mailboxChanges.changedElsewhere('everyone');
    mailboxChanges.changedElsewhere(1);
    await new Promise((r) => setImmediate(r));
    expect(woken).toEqual({ mine: 3, other: 2 });
    notifier.close();
  });
});
