// GET /api/search (CONTRACT.md): every word must match the subject, the
// sender or the body; newest first; only the caller's own mail; the words
// are text, not patterns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;
let carol: ApiClient;

async function search(api: ApiClient, q: string, limit?: number): Promise<string[]> {
  const res = await api.get(`/api/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.messages.map((m: { subject: string }) => m.subject);
}

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  carol = server.api((await server.register('carol@example.test')).token);
  const mailer = server.mailer();
  const send = (to: string, from: string, subject: string, text: string) => mailer.sendMail({ from, to, subject, text });
  await send('bob@example.test', 'Accounts <billing@shop.test>', 'Invoice 42', 'Your invoice for November is attached.');
  await send('bob@example.test', 'friend@remote.test', 'Lunch', 'Shall we discuss the invoice over lunch?');
  await send('bob@example.test', 'stats@remote.test', 'Quarter', 'Growth was 100% this quarter; file_name stays.');
  await send('bob@example.test', 'stats@remote.test', 'Plain', 'Growth was 1000 this quarter; fileXname stays.');
  await send('carol@example.test', 'billing@shop.test', 'Carol invoice', 'An invoice for Carol.');
});

afterAll(async () => {
  await server.stop();
});

describe('GET /api/search', () => {
  it('finds a word in the subject, the body or the sender, newest first, in the caller mailbox only', async () => {
    expect(await search(bob, 'invoice')).toEqual(['Lunch', 'Invoice 42']);
    expect(await search(bob, 'billing@shop')).toEqual(['Invoice 42']);
    expect(await search(carol, 'invoice')).toEqual(['Carol invoice']);
  });

  it('needs every word to match, in any field, in any case', async () => {
    expect(await search(bob, 'INVOICE november')).toEqual(['Invoice 42']);
    expect(await search(bob, 'invoice accounts')).toEqual(['Invoice 42']);
    expect(await search(bob, 'invoice nowhere')).toEqual([]);
  });

  it('treats % and _ as text, not as LIKE wildcards', async () => {
    expect(await search(bob, '100%')).toEqual(['Quarter']);
    expect(await search(bob, 'file_name')).toEqual(['Quarter']);
  });

  it('honours limit and refuses an empty query with 400', async () => {
    expect(await search(bob, 'this', 1)).toEqual(['Plain']);
    const empty = await bob.get('/api/search?q=%20');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBeTruthy();
  });
});
