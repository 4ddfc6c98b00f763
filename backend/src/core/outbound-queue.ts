// The outbound queue worker: takes due rows, relays them, and
// decides what happens next. 2xx: sent. 5xx: failed at once with a bounce in
// the sender's Inbox. 4xx or no answer: retried with exponential backoff
// until QUEUE_GIVE_UP_MS, then failed with a bounce. Rows are claimed under
// a lease (work-lease.ts), so of several instances only one sends a row. A
// row left 'sending' by a crash is retried when the same instance starts
// again, or by another once its lease ran out (the relay may then see it
// twice, which SMTP allows; losing it would not be).
import { randomUUID } from 'node:crypto';
import { composeBounce, type BounceFailure } from '../mail/bounce-message.js';
import { toCrlf } from '../mail/line-endings.js';
import type { Logger } from '../shared/logger.js';
import type { OutboundRecord } from '../storage/records.js';
import { ingestMessage } from './ingest-message.js';
import type { SendDeps } from './send-message.js';
import { WorkLeases } from './work-lease.js';

export interface RelayRejection {
  recipient: string;
  /** the SMTP reply code, null when the relay never answered */
  code: number | null;
  message: string;
}

export interface RelayResult {
  accepted: string[];
  /** recipients the relay refused while accepting others */
  rejected: RelayRejection[];
}

/** The next hop. Implemented by an adapter (relay/smtp-relay.ts). */
export interface RelayTransport {
  /**
   * Resolves with what the relay said per recipient once the transaction
   * ended; throws RelayFailure when the whole message was refused or the
   * relay could not be reached.
   */
  send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<RelayResult>;
  close(): void;
}

export class RelayFailure extends Error {
  constructor(message: string, readonly code: number | null) {
    super(message);
    this.name = 'RelayFailure';
  }
}

// RFC 5321 4.2.1: 5yz is permanent, 4yz transient; no reply at all is transient.
const isPermanent = (code: number | null): boolean => code !== null && code >= 500 && code < 600;

export class OutboundWorker {
  private readonly inFlight = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private readonly leases: WorkLeases;

  constructor(
    private readonly deps: SendDeps,
    private readonly transport: RelayTransport | null,
    private readonly log: Logger,
  ) {
    const { store, config } = deps;
    this.leases = new WorkLeases({ owner: config.instance.id, ms: config.queue.leaseMs }, (ids, lease) => store.outbound.renewLeases(ids, lease), log);
  }

  async start(): Promise<void> {
    const recovered = await this.deps.store.outbound.recoverInterrupted(this.deps.config.instance.id, new Date());
    if (recovered > 0) this.log.warn({ recovered }, 'outbound messages interrupted mid-send will be retried');
    this.unsubscribe = this.deps.events.subscribe('outbound.queued', () => this.pump());
    this.timer = setInterval(() => this.pump(), this.deps.config.queue.pollMs);
    this.timer.unref();
    this.pump();
  }

  /** Stops taking work and waits (up to timeoutMs) for attempts in flight. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise<void>((r) => (timer = setTimeout(r, timeoutMs))),
    ]);
    clearTimeout(timer);
    await this.leases.stop();
    this.transport?.close();
  }

  /** Looks for due work now (also called by the poll timer and on enqueue). */
  pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.fill()
      .catch((err) => this.log.error({ err }, 'outbound queue: claiming work failed'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    const { concurrency } = this.deps.config.queue;
    while (!this.stopped && this.inFlight.size < concurrency) {
      const rows = await this.deps.store.outbound.claimDue(new Date(), concurrency - this.inFlight.size, this.leases.lease());
      if (rows.length === 0) return;
      this.leases.hold(rows.map((r) => r.id));
      for (const row of rows) {
        const work = this.attempt(row)
          .catch((err) => this.log.error({ err, queueId: row.id }, 'outbound queue: attempt failed unexpectedly'))
          .finally(() => {
            this.leases.letGo(row.id);
            this.inFlight.delete(row.id);
            this.pump();
          });
        this.inFlight.set(row.id, work);
      }
    }
  }

  private async attempt(row: OutboundRecord): Promise<void> {
    let raw: Buffer;
    try {
      // RFC 5321 2.3.8 and SMTP smuggling: no bare CR or LF leaves this server.
      raw = toCrlf(await this.deps.store.blobs.read(row.rawSha256));
    } catch (err) {
      this.log.error({ err, queueId: row.id }, 'outbound message content is missing');
      return this.fail(row, row.recipients.map((r) => ({ recipient: r, reason: 'the message content was lost on this server', status: '5.3.0' })));
    }
    if (!this.transport) {
      return this.retryOrGiveUp(row, row.recipients, 'no relay is configured (SMTP_RELAY_HOST)');
    }
    let result: RelayResult;
    try {
      result = await this.transport.send({ from: row.mailFrom, to: row.recipients }, raw);
    } catch (err) {
      const code = err instanceof RelayFailure ? err.code : null;
      const message = err instanceof Error ? err.message : String(err);
      this.log.info({ queueId: row.id, attempt: row.attempts, code, message }, 'relay attempt failed');
      if (isPermanent(code)) return this.fail(row, row.recipients.map((r) => ({ recipient: r, reason: message })));
      return this.retryOrGiveUp(row, row.recipients, message);
    }
    const permanent = result.rejected.filter((r) => isPermanent(r.code));
    const temporary = result.rejected.filter((r) => !isPermanent(r.code));
    if (result.accepted.length === 0 && temporary.length === 0) {
      return this.fail(row, permanent.map((p) => ({ recipient: p.recipient, reason: p.message })));
    }
    if (temporary.length > 0) {
      await this.retryOrGiveUp(row, temporary.map((r) => r.recipient), temporary[0]!.message, false);
    } else {
      await this.deps.store.outbound.markSent(row.id, permanent.length ? `refused: ${permanent.map((p) => p.recipient).join(', ')}` : null);
    }
    this.log.info({ queueId: row.id, accepted: result.accepted.length }, 'relayed');
    // Sent means someone accepted it: when every recipient got a 4xx, nothing was sent yet (it is retried).
    if (result.accepted.length > 0) {
      this.deps.events.publish('message.sent', { queueId: row.id, userId: row.userId, mailFrom: row.mailFrom, recipients: result.accepted });
    }
    if (permanent.length > 0) {
      await this.bounce(row, permanent.map((p) => ({ recipient: p.recipient, reason: p.message })), 'The remote server refused the recipient permanently.');
      this.publishFailed(row, permanent.map((p) => p.recipient), permanent[0]!.message);
    }
    if (temporary.length === 0) await this.releaseBlob(row.rawSha256);
  }

  private async retryOrGiveUp(row: OutboundRecord, recipients: string[], error: string, release = true): Promise<void> {
    const { retryMinMs, retryMaxMs, giveUpMs } = this.deps.config.queue;
    const now = Date.now();
    const deadline = row.createdAt.getTime() + giveUpMs;
    if (now >= deadline) {
      return this.fail(
        row,
        recipients.map((r) => ({ recipient: r, reason: error })),
        `Delivery was retried ${row.attempts} times over ${describeMs(now - row.createdAt.getTime())} and has been given up.`,
        release,
      );
    }
    const backoff = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(30, Math.max(0, row.attempts - 1)));
    const at = new Date(Math.min(now + backoff, deadline));
    await this.deps.store.outbound.scheduleRetry(row.id, recipients, at, error);
  }

  /** Marks the row failed first (so it is never resent), then tells the sender. */
  private async fail(
    row: OutboundRecord, failures: BounceFailure[],
    summary = 'The remote server refused the message permanently.', release = true,
  ): Promise<void> {
    const error = failures[0]?.reason ?? 'failed';
    await this.deps.store.outbound.markFailed(row.id, error);
    await this.bounce(row, failures, summary);
    this.publishFailed(row, failures.map((f) => f.recipient), error);
    if (release) await this.releaseBlob(row.rawSha256);
  }

  private publishFailed(row: OutboundRecord, recipients: string[], error: string): void {
    this.deps.events.publish('message.failed', { queueId: row.id, userId: row.userId, mailFrom: row.mailFrom, recipients, error });
  }

  /** A readable non-delivery report in the sender's Inbox; never relayed anywhere. */
  private async bounce(row: OutboundRecord, failures: BounceFailure[], summary: string): Promise<void> {
    const hostname = this.deps.config.smtp.hostname;
    try {
      const self = await this.deps.recipients.resolveLocal(row.mailFrom);
      const original = await this.deps.store.blobs.read(row.rawSha256).catch(() => Buffer.alloc(0));
      const raw = await composeBounce({
        hostname, sender: row.mailFrom, failures, original, summary, messageId: `${randomUUID()}@${hostname}`, date: new Date(),
        arrivalDate: row.createdAt,
      });
      await ingestMessage(this.deps, {
        raw,
        targets: [{ recipient: self }],
        trace: { helo: hostname, remoteAddress: '127.0.0.1', hostname, protocol: 'local', sessionId: `queue-${row.id}` },
      });
    } catch (err) {
      this.log.error({ err, queueId: row.id }, 'could not deliver a bounce to the sender');
    }
  }

  /** Removes the raw blob once neither a message nor an active queue row needs it. */
  private async releaseBlob(sha256: string): Promise<void> {
    try {
      await this.deps.store.blobs.release([sha256]);
    } catch (err) {
      this.log.warn({ err, sha256 }, 'could not remove a relayed blob');
    }
  }
}

function describeMs(ms: number): string {
  if (ms >= 86_400_000) return `${Math.round(ms / 3_600_000)} hours`;
  if (ms >= 3_600_000) return `${Math.round(ms / 60_000)} minutes`;
  return `${Math.max(1, Math.round(ms / 1000))} seconds`;
}
