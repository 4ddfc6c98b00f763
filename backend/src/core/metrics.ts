// Prometheus metrics (prom-client) and the running totals behind
// /api/admin/stats. One registry per running server, so two servers in one
// process (tests) never share counters. Adapters report what happened; the
// names below are the ones operators' dashboards already use.
import client from 'prom-client';
import type { EventBus } from './event-bus.js';

export interface LiveSources {
  smtpConnections(): { active: number; total: number };
  socketClients(): number;
  queueCounts(): Promise<Record<string, number>>;
}

const RECENT = 1000;

export class Metrics {
  readonly registry = new client.Registry();
  private sources: LiveSources | null = null;

  /** plain totals since start, for /api/admin/stats */
  readonly totals = {
    received: 0, rejected: 0, failed: 0, sent: 0, sendFailed: 0,
    connections: 0, connectionsRejected: 0, authAttempts: 0, authSucceeded: 0, authFailed: 0,
    /** inbound messages each scanner gave a verdict on */
    spamScanned: 0, virusScanned: 0,
    spamDetected: 0, spamRejected: 0, virusDetected: 0, scannerFailures: 0,
  };
  private readonly recentMs: number[] = [];
  private recentNext = 0;

  private readonly received = new client.Counter({
    name: 'smtp_messages_received_total', help: 'Messages received over SMTP, by outcome', labelNames: ['status'] as const, registers: [this.registry],
  });
  private readonly sent = new client.Counter({
    name: 'smtp_messages_sent_total', help: 'Outbound messages by final outcome', labelNames: ['status'] as const, registers: [this.registry],
  });
  private readonly connectionsTotal = new client.Counter({
    name: 'smtp_connections_total', help: 'SMTP connections accepted since start', registers: [this.registry],
  });
  private readonly connectionsRejected = new client.Counter({
    name: 'smtp_connections_rejected_total', help: 'SMTP connections refused (rate limits)', registers: [this.registry],
  });
  private readonly authAttempts = new client.Counter({
    name: 'smtp_auth_attempts_total', help: 'SMTP AUTH and HTTP login attempts, by result', labelNames: ['result'] as const, registers: [this.registry],
  });
  private readonly processing = new client.Histogram({
    name: 'smtp_processing_duration_seconds', help: 'From end of DATA to the reply (parse, store, commit)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  private readonly size = new client.Histogram({
    name: 'smtp_message_size_bytes', help: 'Size of accepted messages',
    buckets: [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 33554432], registers: [this.registry],
  });
  private readonly latency = new client.Histogram({
    name: 'chitbox_new_email_latency_seconds', help: 'From commit to new_email emitted to the owner',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  private readonly httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP requests by route', labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  private readonly rateLimited = new client.Counter({
    name: 'chitbox_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['limit'] as const, registers: [this.registry],
  });
  private readonly spamDetected = new client.Counter({
    name: 'smtp_spam_detected_total', help: 'Inbound messages spamd called spam, by what happened to them', labelNames: ['action'] as const, registers: [this.registry],
  });
  private readonly virusDetected = new client.Counter({
    name: 'smtp_virus_detected_total', help: 'Inbound messages refused because clamd found a virus', registers: [this.registry],
  });
  private readonly scannerFailures = new client.Counter({
    name: 'chitbox_scanner_failures_total', help: 'Scans that failed (delivery deferred with 451), by scanner and reason',
    labelNames: ['scanner', 'reason'] as const, registers: [this.registry],
  });
  private readonly spamLearned = new client.Counter({
    name: 'chitbox_spam_learned_total', help: 'Moves into or out of Spam told to spamd, by class and result',
    labelNames: ['class', 'result'] as const, registers: [this.registry],
  });
  private readonly webhookDeliveries = new client.Counter({
    name: 'chitbox_webhook_deliveries_total', help: 'Webhook delivery attempts, by result', labelNames: ['result'] as const, registers: [this.registry],
  });

  constructor(events: EventBus) {
    client.collectDefaultMetrics({ register: this.registry });
    // prom-client calls collect() with the gauge as `this`; the live sources come from here.
    const sources = () => this.sources;
    new client.Gauge({
      name: 'smtp_connections_active', help: 'Open SMTP connections', registers: [this.registry],
      collect() { this.set(sources()?.smtpConnections().active ?? 0); },
    });
    new client.Gauge({
      name: 'chitbox_socketio_connected_clients', help: 'Connected Socket.IO clients', registers: [this.registry],
      collect() { this.set(sources()?.socketClients() ?? 0); },
    });
    new client.Gauge({
      name: 'smtp_messages_queued', help: 'Outbound messages waiting (pending, retry, sending)', registers: [this.registry],
      async collect() {
        const c: Record<string, number> = (await sources()?.queueCounts().catch(() => ({}))) ?? {};
        this.set((c.pending ?? 0) + (c.retry ?? 0) + (c.sending ?? 0));
      },
    });
    for (const s of ['accepted', 'rejected', 'failed']) this.received.labels(s).inc(0);
    for (const s of ['sent', 'failed']) this.sent.labels(s).inc(0);
    for (const r of ['success', 'failure']) this.authAttempts.labels(r).inc(0);
    events.subscribe('message.sent', () => this.outbound('sent'));
    events.subscribe('message.failed', () => this.outbound('failed'));
    for (const a of ['spam_folder', 'rejected']) this.spamDetected.labels(a).inc(0);
    this.virusDetected.inc(0);
    events.subscribe('content.scanned', ({ spam, virus }) => {
      if (spam !== null) this.totals.spamScanned++;
      if (virus !== null) this.totals.virusScanned++;
    });
    events.subscribe('spam.detected', ({ action }) => {
      this.totals.spamDetected++;
      if (action === 'rejected') this.totals.spamRejected++;
      this.spamDetected.labels(action).inc();
    });
    events.subscribe('virus.detected', () => {
      this.totals.virusDetected++;
      this.virusDetected.inc();
    });
    events.subscribe('scanner.failed', ({ scanner, reason }) => {
      this.totals.scannerFailures++;
      this.scannerFailures.labels(scanner, reason).inc();
    });
    events.subscribe('spam.learned', ({ as, learned, error }) => {
      this.spamLearned.labels(as, error ? 'failed' : learned === null ? 'skipped' : learned ? 'learned' : 'unchanged').inc();
    });
  }

  bind(sources: LiveSources): void {
    this.sources = sources;
  }

  connectionOpened(): void {
    this.totals.connections++;
    this.connectionsTotal.inc();
  }

  connectionRejected(): void {
    this.totals.connectionsRejected++;
    this.connectionsRejected.inc();
  }

  authAttempt(ok: boolean): void {
    this.totals.authAttempts++;
    if (ok) this.totals.authSucceeded++;
    else this.totals.authFailed++;
    this.authAttempts.labels(ok ? 'success' : 'failure').inc();
  }

  /** accepted: stored; rejected: refused by policy (quota, size); failed: could not store */
  messageProcessed(status: 'accepted' | 'rejected' | 'failed', bytes: number, seconds: number): void {
    this.received.labels(status).inc();
    if (status === 'accepted') {
      this.totals.received++;
      this.size.observe(bytes);
    } else if (status === 'rejected') this.totals.rejected++;
    else this.totals.failed++;
    this.processing.observe(seconds);
    this.recentMs[this.recentNext] = seconds * 1000;
    this.recentNext = (this.recentNext + 1) % RECENT;
  }

  outbound(status: 'sent' | 'failed'): void {
    if (status === 'sent') this.totals.sent++;
    else this.totals.sendFailed++;
    this.sent.labels(status).inc();
  }

  emitLatency(seconds: number): void {
    this.latency.observe(seconds);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.labels(method, route, String(status)).observe(seconds);
  }

  limited(limit: string): void {
    this.rateLimited.labels(limit).inc();
  }

  webhookDelivery(result: 'sent' | 'retry' | 'failed'): void {
    this.webhookDeliveries.labels(result).inc();
  }

  /** avg / p95 / p99 of the last 1000 processing times, in ms */
  processingSummary(): { avg_ms: number; p95_ms: number; p99_ms: number } {
    const sorted = this.recentMs.filter((v) => v !== undefined).sort((a, b) => a - b);
    if (sorted.length === 0) return { avg_ms: 0, p95_ms: 0, p99_ms: 0 };
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    const round = (v: number) => Math.round(v * 100) / 100;
    return { avg_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), p95_ms: round(at(0.95)), p99_ms: round(at(0.99)) };
  }

  smtpConnections(): { active: number; total: number } {
    return this.sources?.smtpConnections() ?? { active: 0, total: this.totals.connections };
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
