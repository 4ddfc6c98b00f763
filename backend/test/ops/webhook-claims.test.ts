// Two webhook workers (as two instances would run them) on one outbox: each
// row is POSTed once, both take part, and a worker that stops hands back
// the rows it claimed but did not attempt.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { EventBus } from '../../src/core/event-bus.js';
import { Metrics } from '../../src/core/metrics.js';
import { startWebhookWorker } from '../../src/core/webhooks.js';
import { createLogger } from '../../src/shared/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { MailStore } from '../../src/storage/mail-store.js';
import { waitFor } from '../sending/relay-sink.js';

const log = createLogger({ level: 'silent', pretty: false });
const ROWS = 50;

let dir: string;
let store: MailStore;
let receiver: http.Server;
let port = 0;
/** delivery id -> the user agents' instance ids that POSTed it */
const posts = new Map<string, string[]>();
let hold: Promise<void> | null = null;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-webhook-claims-'));
  store = await openSqliteStore({ filePath: path.join(dir, 'chitbox.db'), busyTimeoutMs: 5000, blobRoot: path.join(dir, 'blobs'), inlineMaxBytes: 65536, searchTimeoutMs: 10_000 });
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-chitbox-delivery']);
      const instance = new URL(req.url!, 'http://x').searchParams.get('from')!;
      posts.set(id, [...(posts.get(id) ?? []), instance]);
      void (hold ?? Promise.resolve()).then(() => res.writeHead(204).end());
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  port = (receiver.address() as AddressInfo).port;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()) ?? resolve());
  await store?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const worker = (instance: string) => {
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dir, INSTANCE_ID: instance, WEBHOOK_URL: `http://127.0.0.1:${port}/hooks?from=${instance}`,
    WEBHOOK_POLL_MS: '20', WEBHOOK_RETRY_MIN_MS: '20',
  });
  return startWebhookWorker(config, store.webhooks, new Metrics(new EventBus()), log);
};

describe('webhook deliveries claimed once', () => {
  it('POSTs every row exactly once with two workers draining one outbox, both taking part', async () => {
    const ids: number[] = [];
    for (let i = 0; i < ROWS; i++) ids.push(await store.webhooks.enqueue('user.created', JSON.stringify({ n: i })));
    const a = worker('mx-a');
    const b = worker('mx-b');
    await waitFor(async () => (await store.webhooks.countByStatus()).sent === ROWS, 'every row sent', 20_000);
    await Promise.all([a.stop(), b.stop()]);
    for (const id of ids) expect(posts.get(String(id)), `row ${id}`).toHaveLength(1);
    const by = new Set([...posts.values()].flat());
    expect(by).toEqual(new Set(['mx-a', 'mx-b']));
  });

  it('hands back, at stop, the rows claimed but not attempted', async () => {
    posts.clear();
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    for (let i = 0; i < 5; i++) await store.webhooks.enqueue('user.created', JSON.stringify({ later: i }));
    const a = worker('mx-stopping');
    await waitFor(() => posts.size === 1, 'the first POST of the batch');
    const stopping = a.stop(); // aborts the POST in flight; the other four were never attempted
    release();
    hold = null;
    await stopping;
    const counts = await store.webhooks.countByStatus();
    expect(counts.sending ?? 0).toBe(0);
    const b = worker('mx-other');
    await waitFor(async () => (await store.webhooks.countByStatus()).sent === ROWS + 5, 'the handed-back rows sent by the other worker', 20_000);
    await b.stop();
  });
});
