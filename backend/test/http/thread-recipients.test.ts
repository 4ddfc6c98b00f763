// Lists of mail one sent name the people it went to: a thread summary carries
// the To addresses of its messages (`recipients`, beside `participants`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.register('alice@example.test')).token;
  await server.register('bob@example.test');
  await server.register('carol@example.test');
});

afterAll(async () => {
  await server?.stop();
});

async function threadsOf(kind: string) {
  const { folders } = (await server.api(token).get('/api/folders')).body;
  const folder = folders.find((f: { kind: string }) => f.kind === kind);
  return (await server.api(token).get(`/api/folders/${folder.id}/threads`)).body.threads;
}

describe('thread recipients', () => {
  it('names every To address of a sent conversation once, in the Sent list', async () => {
    const sent = await server.api(token).post('/api/messages', { to: ['bob@example.test', 'Carol@example.test'], subject: 'Plans', text: 'hi' });
    expect(sent.status).toBe(202);
    const again = await server.api(token).post('/api/messages', {
      to: ['bob@example.test'], subject: 'Re: Plans', text: 'and more', inReplyToId: sent.body.message.id,
    });
    expect(again.status).toBe(202);

    const [thread] = await threadsOf('sent');
    expect(thread.messageCount).toBe(2);
    expect(thread.participants.map((p: { address: string }) => p.address)).toEqual(['alice@example.test']);
    expect(thread.recipients.map((p: { address: string }) => p.address.toLowerCase())).toEqual(['bob@example.test', 'carol@example.test']);
  });
});
