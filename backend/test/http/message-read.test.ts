// GET /api/messages/:id sends bodies made once and written in pieces: the
// answer is still exactly what res.json gave (the same bytes as the thread's
// copy of the message, Content-Length, a weak ETag and its 304), and only
// the owner gets it.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request, sendRaw } from '../ops/ops-helpers.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Bodies of several 64 Ki-character slices, with characters JSON escapes and one the slices must not split.
const rows = '<tr><td onclick="x()" style="color:red">cell "q" \\ <b>bold</b> 😀 <img src="cid:pic@x"></td></tr>\n'.repeat(3_000);
const message = [
  'Subject: big "html" 😀',
  'Message-ID: <big-read@remote.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related; boundary="b"',
  '',
  '--b',
  'Content-Type: text/html; charset=utf-8',
  '',
  `<html><body><script>alert(1)</script><table>${rows}</table></body></html>`,
  '--b',
  'Content-Type: image/png',
  'Content-ID: <pic@x>',
  'Content-Transfer-Encoding: base64',
  '',
  'iVBORw0KGgo=',
  '--b--',
].join('\n');

describe('GET /api/messages/:id', () => {
  let server: TestServer;
  let api: ApiClient;
  let token: string;
  let id: number;
  let threadId: number;

  beforeAll(async () => {
    server = await startTestServer();
    ({ token } = await server.register('reader@example.test'));
    api = server.api(token);
    expect((await sendRaw(server.smtpPort, 'reader@example.test', message)).replies.at(-1)).toMatch(/^250 /);
    const folders = await api.get('/api/folders');
    const inbox = folders.body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const list = await api.get(`/api/folders/${inbox.id}/messages`);
    ({ id, threadId } = list.body.messages[0]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers with the bytes res.json would send, first read and kept', async () => {
    const reads = await Promise.all([api.get(`/api/messages/${id}`), api.get(`/api/messages/${id}`)]);
    reads.push(await api.get(`/api/messages/${id}`));
    const thread = await api.get(`/api/threads/${threadId}`);
    const expected = JSON.stringify({ message: thread.body.messages[0] });
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(read.headers.get('content-length')).toBe(String(read.bytes.length));
      expect(read.bytes.toString('utf8')).toBe(expected);
    }
    const { message: m } = reads[0]!.body;
    expect(m.bodyHtml).toContain('<b>bold</b>');
    expect(m.bodyHtml).not.toContain('<script');
    expect(m.bodyHtml).toContain(`/api/attachments/${m.attachments[0].id}`);
    expect(m.bodyHtml.length).toBeGreaterThan(2 * 65_536);
  });

  it('has a weak ETag: 304 while nothing changed, a new one after a change', async () => {
    // node:http: fetch turns a request with If-None-Match into one with Cache-Control: no-cache.
    const conditional = (etag: string) =>
      request(server.baseUrl, 'GET', `/api/messages/${id}`, { headers: { authorization: `Bearer ${token}`, 'if-none-match': etag } });
    const first = await api.get(`/api/messages/${id}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-/);
    const again = await conditional(etag);
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect((await api.patch(`/api/messages/${id}`, { isRead: true })).status).toBe(200);
    const changed = await conditional(etag);
    expect(changed.status).toBe(200);
    expect(changed.body.message.isRead).toBe(true);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('is 404 for another user, also while the owner\'s read is kept', async () => {
    expect((await api.get(`/api/messages/${id}`)).status).toBe(200);
    const other = await server.api((await server.register('other@example.test')).token).get(`/api/messages/${id}`);
    expect(other.status).toBe(404);
    expect(other.bytes.toString()).not.toContain('bold');
  });

  it('keeps serving after readers hang up in the middle of the bytes', async () => {
    const expected = (await api.get(`/api/messages/${id}`)).bytes;
    const hangUps = Array.from({ length: 20 }, () => new Promise<number>((resolve, reject) => {
      const req = http.get(`${server.baseUrl}/api/messages/${id}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        // The first bytes in, then gone: the rest is still being written.
        res.once('data', () => {
          req.destroy();
          resolve(res.statusCode!);
        });
      });
      req.on('error', reject);
    }));
    expect(await Promise.all(hangUps)).toEqual(Array(20).fill(200));
    const after = await api.get(`/api/messages/${id}`);
    expect(after.status).toBe(200);
    expect(after.bytes.equals(expected)).toBe(true);
  });
});
