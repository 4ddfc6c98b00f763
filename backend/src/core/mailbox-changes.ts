// "This user's mailbox changed": what wakes a mail client's IDLE session.
// Changes made by this process arrive as core events (a message stored,
// updated or deleted); changes made by another instance sharing the
// database are reported through changedElsewhere by whatever links the
// instances (redis/mailbox-wake.ts), which in turn passes on only the
// changes made here, so none goes round twice. Listeners learn nothing but
// the user (or that any user's may have changed, when the link was down):
// they read what changed from the store.
import type { EventBus } from './event-bus.js';

/** here: this process changed the mailbox; elsewhere: another instance did */
export type MailboxChangeOrigin = 'here' | 'elsewhere';
/** whose mailbox changed; everyone: the link to the other instances was down, and any may have */
export type ChangedUser = number | 'everyone';
export type MailboxChangeListener = (user: ChangedUser, origin: MailboxChangeOrigin) => void;

export class MailboxChanges {
  private readonly listeners = new Set<MailboxChangeListener>();
  private readonly unsubscribe: Array<() => void>;

  constructor(events: EventBus) {
    const here = ({ userId }: { userId: number }) => this.emit(userId, 'here');
    this.unsubscribe = [
      events.subscribe('message.stored', ({ message }) => this.emit(message.userId, 'here')),
      events.subscribe('messages.updated', here),
      events.subscribe('message.deleted', here),
    ];
  }

  /** Returns the function that removes this exact listener. */
  subscribe(listener: MailboxChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Another instance changed the user's mailbox (everyone: changes from elsewhere may have been missed). */
  changedElsewhere(user: ChangedUser): void {
    this.emit(user, 'elsewhere');
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    this.listeners.clear();
  }

  private emit(user: ChangedUser, origin: MailboxChangeOrigin): void {
    for (const listener of this.listeners) listener(user, origin);
  }
}
