// HTML is sanitised on a worker thread, once per message content: the main
// thread keeps turning while megabytes of markup are cleaned, and parallel
// reads of one message share one sanitise.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkerHtmlSanitizer } from '../../src/mail/sanitize-pool/html-sanitizer.js';
import { sanitizeHtml } from '../../src/mail/sanitize-html.js';
import { sendRaw } from '../ops/ops-helpers.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { loopTurnsDuring } from '../support/loop-turns.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const bigHtml = (rows: number) =>
  `<html><body><script>alert(1)</script><table>${'<tr><td onclick="x()" style="color:red">cell <b>bold</b></td></tr>'.repeat(rows)}</table></body></html>`;

describe('WorkerHtmlSanitizer', () => {
  const sanitizer = new WorkerHtmlSanitizer({ timeoutMs: 120_000 });
  afterAll(() => sanitizer.close());

  it('gives what sanitizeHtml gives, while the main thread keeps turning', async () => {
    const html = bigHtml(20_000);
    const { result: safe, turns } = await loopTurnsDuring(() => sanitizer.sanitize('big', html));
    expect(turns).toBeGreaterThan(0);
    expect(safe).toBe(sanitizeHtml(html));
    expect(safe).not.toContain('<script');
    expect(safe).not.toContain('onclick');
  });

  it('shares one sanitise between parallel asks for the same content, and remembers it', async () => {
    const html = bigHtml(5_000);
    const asks = Array.from({ length: 8 }, () => sanitizer.sanitize('shared', html));
    const results = await Promise.all(asks);
    expect(new Set(results).size).toBe(1);
    // Answered from the cache: already settled after one microtask turn.
    let settled = false;
    void sanitizer.sanitize('shared', html).then(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
  });
});

describe('over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves a big HTML message to eight parallel readers, sanitised, with /health answering meanwhile', async () => {
    const { token } = await server.register('reader@example.test');
    const body = `Subject: big html\nContent-Type: text/html; charset=utf-8\n\n${bigHtml(20_000)}`;
    expect((await sendRaw(server.smtpPort, 'reader@example.test', body)).replies.at(-1)).toMatch(/^250 /);
    const api = server.api(token);
    const list = await api.get('/api/folders');
    const inbox = list.body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const messages = await api.get(`/api/folders/${inbox.id}/messages`);
    const id = messages.body.messages[0].id;
    const reads = Array.from({ length: 8 }, () => api.get(`/api/messages/${id}`));
    const health = await api.get('/health');
    expect(health.status).toBe(200);
    for (const read of await Promise.all(reads)) {
      expect(read.status).toBe(200);
      expect(read.body.message.bodyHtml).toContain('<b>bold</b>');
      expect(read.body.message.bodyHtml).not.toContain('<script');
    }
  });
});
