// Webhooks: a receiver started here gets signed events; while it is down
// ingest goes on, and the events arrive once it is back.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbRows } from '../support/db-peek.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { sendRaw, waitFor } from './ops-helpers.js';

const SECRET = 'a-webhook-secret-for-tests';

interface Received {
  event: string;
  body: { event: string; timestamp: string; data: Record<string, unknown> };
  raw: string;
  signature: string | undefined;
}

class Receiver {
  readonly got: Received[] = [];
  private server: http.Server | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.got.push({ event: String(req.headers['x-chitbox-event']), body: JSON.parse(raw), raw, signature: req.headers['x-chitbox-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  find(event: string, pred: (r: Received) => boolean = () => true): Received | undefined {
    return this.got.find((r) => r.event === event && pred(r));
  }
}

let receiver: Receiver;
let server: TestServer;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  server = await startTestServer({
    WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/hooks`,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_RETRY_MIN_MS: '100',
    WEBHOOK_RETRY_MAX_MS: '300',
    WEBHOOK_POLL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
});

afterAll(async () => {
  await server.stop();
  await receiver.stop();
});

describe('webhooks', () => {
  it('delivers user.created, message.received and auth.failed as signed JSON', async () => {
    await server.register('alice@example.test');
    const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', 'From: sender@remote.test\nSubject: Hello hook\n\nsecret body text');
    expect(replies.at(-1)).toMatch(/^250 /);
    // The outbox row is committed with the message, before the 250.
    const queued = await dbRows<{ payload: string }>(server.dataDir, `SELECT payload FROM webhook_outbox WHERE event = 'message.received'`);
    expect(queued.map((r) => JSON.parse(r.payload).data.subject)).toContain('Hello hook');
    await server.api().post('/api/auth/login', { email: 'alice@example.test', password: 'wrong password' });

    const created = await waitFor(() => receiver.find('user.created'), undefined, 'user.created');
    const received = await waitFor(() => receiver.find('message.received'), undefined, 'message.received');
    const failed = await waitFor(() => receiver.find('auth.failed'), undefined, 'auth.failed');

    expect(created.body).toMatchObject({ event: 'user.created', data: { email: 'alice@example.test', role: 'user' } });
    expect(new Date(created.body.timestamp).toISOString()).toBe(created.body.timestamp);
    expect(received.body.data).toMatchObject({ from: 'sender@remote.test', subject: 'Hello hook' });
    expect(received.raw).not.toContain('secret body text');
    expect(failed.body.data).toMatchObject({ username: 'alice@example.test', via: 'http' });
    expect(failed.raw).not.toContain('wrong password');
    for (const r of [created, received, failed]) {
      expect(r.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`);
    }
  });

  it('keeps events while the receiver is down (ingest unaffected) and delivers them once it is back', async () => {
    const port = receiver.port;
    await receiver.stop();
    for (let i = 0; i < 3; i++) {
      const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', `Subject: while down ${i}\n\nx`);
      expect(replies.at(-1)).toMatch(/^250 /);
    }
    // Let the worker fail at least once against the closed port.
    await waitFor(async () => {
      return (await dbRows(server.dataDir, `SELECT id FROM webhook_outbox WHERE status = 'retry'`)).length > 0;
    }, 60_000, 'a failed attempt');
    await receiver.start(port);
    for (let i = 0; i < 3; i++) {
      await waitFor(() => receiver.find('message.received', (r) => r.body.data.subject === `while down ${i}`), undefined, `event ${i}`);
    }
    const rows = await dbRows(server.dataDir, `SELECT id FROM webhook_outbox WHERE status = 'sent' AND attempts > 1`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
