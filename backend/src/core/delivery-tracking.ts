// Ticks under sent messages: per recipient, delivered (stored for a local
// one), queued, relayed or failed (the outbound queue's word), read (a local
// recipient opened their copy, or a read receipt came back by mail). Kept on
// the sender's own copy and told to the sender only, with the sender's ids.
// It listens to what already happens (a copy stored, the queue's results, a
// message marked read), so no other use case calls it.
import type { RecipientStatusDto } from '../contracts/api.js';
import { parseReadReceipt } from '../mail/read-receipt.js';
import type { Logger } from '../shared/logger.js';
import type { MailStore } from '../storage/mail-store.js';
import type { DeliveryStatusRecord, MessageRecord, UserRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';

export interface TrackingDeps {
  store: Pick<MailStore, 'chat' | 'users' | 'outbound' | 'blobs'>;
  events: EventBus;
  log: Logger;
}

const DISPOSITION_TYPES = /^message\/(?:global-)?disposition-notification\b/i;

export class DeliveryTracking {
  /** first statuses being written: a read that arrives meanwhile waits for them */
  private readonly recording = new Set<Promise<void>>();
  /** status changes under way */
  private readonly updating = new Set<Promise<void>>();

  constructor(private readonly deps: TrackingDeps) {}

  start(): () => void {
    const { events } = this.deps;
    const offs = [
      events.subscribe('message.stored', ({ message, source }) => {
        if (source === 'sent') this.track(this.recordSent(message));
        else if (source === 'inbound' && message.attachments.some((a) => DISPOSITION_TYPES.test(a.contentType))) {
          this.run(this.receiptArrived(message));
        }
      }),
      events.subscribe('message.sent', ({ queueId, userId, recipients }) => this.run(this.queueResult(queueId, userId, recipients, 'relayed', null))),
      events.subscribe('message.failed', ({ queueId, userId, recipients, error }) => this.run(this.queueResult(queueId, userId, recipients, 'failed', error))),
      events.subscribe('messages.updated', ({ userId, updates }) => this.readByRecipient(userId, updates.map((u) => u.message))),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Each recipient's latest status, for the sender's copies among these messages. */
  async recipientsOf(userId: number, messages: readonly Pick<MessageRecord, 'id'>[]): Promise<Map<number, RecipientStatusDto[]>> {
    const rows = await this.deps.store.chat.statusesOf(userId, messages.map((m) => m.id));
    const out = new Map<number, RecipientStatusDto[]>();
    for (const [id, list] of rows) out.set(id, list.map(presentStatus));
    return out;
  }

  /** First statuses being written have been (the read path and the compose answer wait for this). */
  async settled(): Promise<void> {
    while (this.recording.size > 0) await Promise.allSettled([...this.recording]);
  }

  /** Every status change under way is done. */
  async idle(): Promise<void> {
    await this.settled();
    while (this.updating.size > 0) await Promise.allSettled([...this.updating]);
  }

  private async recordSent(sent: MessageRecord): Promise<void> {
    const sender = sent.fromEmail.toLowerCase();
    const named = new Map<string, string>();
    for (const a of [...sent.to, ...sent.cc]) {
      const address = a.address.toLowerCase();
      if (address && address !== sender && !named.has(address)) named.set(address, a.name);
    }
    if (named.size === 0) return;
    const local = new Set((await this.deps.store.chat.localUsers([...named.keys()])).map((u) => u.email.toLowerCase()));
    const at = sent.createdAt;
    const rows = [...named].map(([recipient, name]) => ({
      messageId: sent.id, userId: sent.userId, recipient, name,
      // Local copies were committed with the Sent copy; the others wait for the relay.
      status: local.has(recipient) ? ('delivered' as const) : ('queued' as const), at, reason: null,
    }));
    await this.deps.store.chat.addStatuses(rows);
    for (const r of rows) this.tell({ ...r, threadId: sent.threadId });
  }

  private async queueResult(queueId: number, userId: number, recipients: string[], status: 'relayed' | 'failed', reason: string | null) {
    const row = await this.deps.store.outbound.get(queueId);
    if (!row) return;
    await this.settled();
    const moved = await this.deps.store.chat.advance({ userId, recipients, rawSha256: row.rawSha256 }, status, new Date(), reason);
    moved.forEach((m) => this.tell(m));
  }

  /**
   * Local recipients opened their copies: tell each copy's local sender, once.
   * The reader and each sender are looked up once for the whole change (a
   * thread of 50 marked read: 2 queries, not 100).
   */
  private readByRecipient(readerId: number, copies: readonly MessageRecord[]): void {
    const { users } = this.deps.store;
    let reader: Promise<UserRecord | null> | null = null;
    const senders = new Map<string, Promise<UserRecord | null>>();
    for (const copy of copies) {
      if (!copy.isRead || !copy.messageId) continue;
      reader ??= users.findById(readerId);
      const email = copy.fromEmail.toLowerCase();
      let sender = senders.get(email);
      if (!sender) senders.set(email, (sender = users.findByEmail(email)));
      this.run(this.tellSenderOfRead(copy.messageId, reader, sender));
    }
  }

  private async tellSenderOfRead(
    rfcMessageId: string, readerLookup: Promise<UserRecord | null>, senderLookup: Promise<UserRecord | null>,
  ): Promise<void> {
    const [reader, sender] = await Promise.all([readerLookup, senderLookup]);
    if (!reader || !sender || sender.id === reader.id) return;
    await this.settled();
    const moved = await this.deps.store.chat.advance({ userId: sender.id, recipients: [reader.email], rfcMessageId }, 'read', new Date());
    for (const m of moved) this.tellRead(m, { address: reader.email, name: reader.name ?? m.name });
  }

  /** An RFC 8098 receipt arrived for a message the owner sent. */
  private async receiptArrived(message: MessageRecord): Promise<void> {
    const parts = await Promise.all(
      message.attachments
        .filter((a) => DISPOSITION_TYPES.test(a.contentType))
        .map(async (a) => ({ contentType: a.contentType, content: await this.deps.store.blobs.read(a.sha256) })),
    );
    const receipt = parseReadReceipt(parts);
    // Only "displayed" means read (RFC 8098 3.2.6.2); "deleted" unread is no tick.
    if (!receipt || receipt.disposition !== 'displayed') return;
    const reader = receipt.reader ?? message.fromEmail.toLowerCase();
    await this.settled();
    const moved = await this.deps.store.chat.advance({ userId: message.userId, recipients: [reader], rfcMessageId: receipt.originalMessageId }, 'read', new Date());
    for (const m of moved) this.tellRead(m, { address: m.recipient, name: m.name || message.fromName });
  }

  private tell(s: DeliveryStatusRecord): void {
    this.deps.events.publish('chat.delivery', {
      toUserId: s.userId, messageId: s.messageId, threadId: s.threadId, recipient: s.recipient, status: s.status, at: s.at, reason: s.reason,
    });
  }

  private tellRead(s: DeliveryStatusRecord, reader: { address: string; name: string }): void {
    this.deps.events.publish('chat.read', { toUserId: s.userId, messageId: s.messageId, threadId: s.threadId, reader, readAt: s.at });
    this.tell(s);
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.deps.log.warn({ err }, 'could not record delivery statuses'));
    this.recording.add(p);
    void p.finally(() => this.recording.delete(p));
  }

  private run(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.deps.log.warn({ err }, 'could not update a delivery status'));
    this.updating.add(p);
    void p.finally(() => this.updating.delete(p));
  }
}

export function presentStatus(s: DeliveryStatusRecord): RecipientStatusDto {
  return {
    address: s.recipient, name: s.name, status: s.status, at: s.at.toISOString(),
    ...(s.status === 'failed' && s.reason ? { reason: s.reason } : {}),
  };
}
