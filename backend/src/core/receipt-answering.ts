// Answering read-receipt requests (RFC 8098) from outside senders, only for
// users who turned that on (off by default: a receipt tells the sender when
// you read their mail), once per message, and only when the request points
// back at the sender (read-receipt.ts). Local senders need none: they see
// the read tick in the chat.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import { composeReadReceipt, receiptRequestOf } from '../mail/read-receipt.js';
import type { MailStore } from '../storage/mail-store.js';
import type { MessageRecord } from '../storage/records.js';
import { ingestMessage, type IngestDeps } from './ingest-message.js';

export interface AnsweringDeps extends IngestDeps {
  config: Pick<Config, 'webhooks' | 'smtp' | 'relay'>;
  store: Pick<MailStore, 'openDelivery' | 'chat' | 'users' | 'folders' | 'blobs'>;
}

export class ReceiptAnswering {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: AnsweringDeps) {}

  start(): () => void {
    return this.deps.events.subscribe('messages.updated', ({ userId, updates }) => {
      if (this.deps.config.relay === null) return;
      for (const { message } of updates) {
        if (!message.isRead) continue;
        const work = this.answer(userId, message).catch((err: unknown) =>
          this.deps.log.warn({ err, messageId: message.id }, 'could not send a read receipt'),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      }
    });
  }

  /** Receipts being decided or queued have been. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async answer(readerId: number, copy: MessageRecord): Promise<void> {
    const settings = await this.deps.store.chat.settings(readerId);
    if (!settings.sendReadReceipts) return;
    const folder = await this.deps.store.folders.findOwned(readerId, copy.folderId);
    if (!folder || folder.kind === 'sent' || folder.kind === 'drafts' || folder.kind === 'spam') return;
    const raw = await this.deps.store.blobs.read(copy.rawSha256);
    const to = receiptRequestOf(raw);
    if (!to || (await this.deps.store.users.findByEmail(to))) return;
    const reader = await this.deps.store.users.findById(readerId);
    if (!reader || !(await this.deps.store.chat.claimReceipt(readerId, copy.id, new Date()))) return;
    const hostname = this.deps.config.smtp.hostname;
    const receipt = await composeReadReceipt({
      hostname, reader: { address: reader.email, name: reader.name ?? '' }, to, original: raw,
      messageId: `${randomUUID()}@${hostname}`, date: new Date(),
    });
    // Straight to the outbound queue: a receipt is not a message the user wrote, so no Sent copy.
    const { outboundId } = await ingestMessage(this.deps, {
      raw: receipt,
      targets: [],
      trace: { helo: hostname, remoteAddress: '127.0.0.1', hostname, protocol: 'local', sessionId: `mdn-${copy.id}` },
      // RFC 8098 2.1: the MDN's envelope sender is null, so nothing bounces back to it.
      outbound: { userId: readerId, mailFrom: '', recipients: [to] },
    });
    if (outboundId !== null) this.deps.events.publish('outbound.queued', { queueId: outboundId });
  }
}
