// Webhooks: core events become rows in a durable outbox (webhook_outbox), and
// a worker POSTs them to WEBHOOK_URL with retries and exponential backoff.
// Delivery never runs on an SMTP or HTTP request path, so a slow or dead
// receiver delays nobody but the worker. message.received's row is inserted
// in the message's own commit; the other events' rows just after the fact.
import { createHmac } from 'node:crypto';
import type { Config, WebhookEventName } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { webhookBody } from '../storage/webhook-payload.js';
import type { WebhookOutbox } from '../storage/mail-store.js';
import type { WebhookRow } from '../storage/records.js';
import type { EventBus } from './event-bus.js';
import type { Metrics } from './metrics.js';
import { WorkLeases } from './work-lease.js';

export const SIGNATURE_HEADER = 'X-ChitBox-Signature';

const CLAIM_BATCH = 5;

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body), like GitHub's X-Hub-Signature-256. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether a receiver is configured and asked for this event. */
export function webhookWanted(config: Pick<Config, 'webhooks'>, event: WebhookEventName): boolean {
  return !!config.webhooks.url && config.webhooks.events.includes(event);
}

/**
 * Turns the events a receiver asked for into outbox rows. Returns the
 * unsubscribe. message.received is the exception: its row is written in the
 * message's own commit (ingest-message.ts), so here it only wakes the worker.
 */
export function recordWebhookEvents(
  config: Config, events: EventBus, repo: WebhookOutbox, log: Logger, onQueued?: () => void, pending?: Set<Promise<unknown>>,
): () => void {
  const wanted = new Set<WebhookEventName>(config.webhooks.events);
  if (!config.webhooks.url || wanted.size === 0) return () => undefined;
  const enqueue = (event: WebhookEventName, data: Record<string, unknown>) => {
    if (!wanted.has(event)) return;
    const payload = webhookBody(event, data, new Date());
    const p = repo.enqueue(event, payload).then(
      () => onQueued?.(),
      (err) => log.error({ err, event }, 'could not queue a webhook event'),
    );
    pending?.add(p);
    void p.finally(() => pending?.delete(p));
  };
  // No bodies, passwords or tokens ever go into a payload.
  const offs = [
    events.subscribe('message.stored', ({ source }) => {
      if (source === 'inbound' && wanted.has('message.received')) onQueued?.();
    }),
    events.subscribe('message.sent', (e) =>
      enqueue('message.sent', { queue_id: e.queueId, user_id: e.userId, from: e.mailFrom, recipients: e.recipients }),
    ),
    events.subscribe('message.failed', (e) =>
      enqueue('message.failed', { queue_id: e.queueId, user_id: e.userId, from: e.mailFrom, recipients: e.recipients, error: e.error }),
    ),
    events.subscribe('spam.detected', (e) =>
      enqueue('spam.detected', {
        action: e.action, score: e.score, required: e.required, tests: e.tests, from: e.mailFrom, recipients: e.recipients,
        remote_address: e.remoteAddress, message_ids: e.messageIds,
      }),
    ),
    events.subscribe('virus.detected', (e) =>
      enqueue('virus.detected', { virus: e.virus, action: 'rejected', from: e.mailFrom, recipients: e.recipients, remote_address: e.remoteAddress }),
    ),
    events.subscribe('user.created', ({ user }) => enqueue('user.created', { id: user.id, email: user.email, role: user.role })),
    events.subscribe('auth.failed', (e) =>
      enqueue('auth.failed', { username: e.username.slice(0, 320), remote_address: e.remoteAddress, via: e.via }),
    ),
  ];
  return () => offs.forEach((off) => off());
}

export interface WebhookWorker {
  /** wakes the worker now (a row was just queued) */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * Delivers due outbox rows one at a time, oldest first. Rows are claimed
 * under a lease, so with several instances each row is POSTed by one; rows
 * claimed but not attempted when the worker stops are handed back.
 */
export function startWebhookWorker(config: Config, repo: WebhookOutbox, metrics: Metrics, log: Logger): WebhookWorker {
  const w = config.webhooks;
  const owner = config.instance.id;
  const leases = new WorkLeases({ owner, ms: config.queue.leaseMs }, (ids, lease) => repo.renewLeases(ids, lease), log);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const inFlight = new AbortController();

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    if (running || stopped) return;
    running = drain()
      .catch((err) => log.error({ err }, 'webhook worker failed; will try again'))
      .finally(() => {
        running = null;
        schedule(w.pollMs);
      });
  };
  let restarted = false;
  const drain = async () => {
    // What this instance held when it last stopped short is not being sent by anyone.
    if (!restarted) await repo.release(owner);
    restarted = true;
    while (!stopped) {
      // A few at a time: rows waiting in one instance's batch are rows another instance could be sending.
      const claimed = await repo.claimDue(new Date(), CLAIM_BATCH, leases.lease());
      if (claimed.length === 0) return;
      await deliverClaimed(claimed);
    }
  };
  const deliverClaimed = async (claimed: WebhookRow[]) => {
    const waiting = new Set(claimed.map((r) => r.id));
    leases.hold(waiting);
    try {
      for (const row of claimed) {
        if (stopped) break;
        await deliver(row);
        waiting.delete(row.id);
        leases.letGo(row.id);
      }
    } finally {
      for (const id of waiting) leases.letGo(id);
      if (waiting.size > 0) await repo.release(owner, [...waiting]);
    }
  };
  const deliver = async (row: WebhookRow) => {
    const attempts = row.attempts + 1;
    const error = await post(w.url!, row, w.secret, w.timeoutMs, inFlight.signal);
    if (error === null) {
      metrics.webhookDelivery('sent');
      await repo.markSent(row.id, attempts);
    } else if (attempts >= w.maxAttempts) {
      metrics.webhookDelivery('failed');
      log.warn({ webhookId: row.id, event: row.event, attempts, error }, 'webhook given up');
      await repo.markFailed(row.id, attempts, error);
    } else {
      metrics.webhookDelivery('retry');
      const delay = Math.min(w.retryMaxMs, w.retryMinMs * 2 ** (attempts - 1));
      log.info({ webhookId: row.id, event: row.event, attempts, error, retryInMs: delay }, 'webhook delivery failed; will retry');
      await repo.markRetry(row.id, attempts, new Date(Date.now() + delay), error);
    }
  };

  if (w.url) schedule(0);
  return {
    poke: () => {
      if (w.url && !running) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      inFlight.abort();
      await running;
      await leases.stop();
    },
  };
}

/** One POST; null on a 2xx, else a short reason. */
async function post(url: string, row: WebhookRow, secret: string | undefined, timeoutMs: number, stop: AbortSignal): Promise<string | null> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'ChitBox-Webhooks',
    'X-ChitBox-Event': row.event,
    'X-ChitBox-Delivery': String(row.id),
  };
  if (secret) headers[SIGNATURE_HEADER] = signBody(secret, row.payload);
  try {
    const res = await fetch(url, {
      method: 'POST', headers, body: row.payload, redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    return e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message ?? 'network error');
  }
}
