// Mail keeps arriving (the ingest worker's commits) while the API writes
// through Prisma (read-then-write transactions): every delivery is accepted
// and every API write succeeds. WriteTurns keeps the two from interleaving.
// On SQLite a sent message's first delivery statuses are written by the
// ingest worker too, so chat sends take part in the same turns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
});

afterAll(() => server.stop());

async function sendMany(count: number, label: string): Promise<string[]> {
  const mailer = server.mailer();
  try {
    const replies: string[] = [];
    for (let i = 0; i < count; i++) {
      const info = await mailer.sendMail({ from: 'alice@remote.test', to: 'bob@example.test', subject: `${label} ${i}`, text: `body ${i}` });
      replies.push(String(info.response));
    }
    return replies;
  } finally {
    mailer.close();
  }
}

describe('writes from the API while mail arrives', () => {
  it('accepts every message and answers every API write', async () => {
    const seed = await sendMany(20, 'seed');
    expect(seed.every((r) => r.startsWith('250'))).toBe(true);
    const inbox = (await bob.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const ids: number[] = (await bob.get(`/api/folders/${inbox.id}/messages?limit=20`)).body.messages.map((m: { id: number }) => m.id);
    expect(ids).toHaveLength(20);

    const deliveries = Promise.all([sendMany(40, 'a'), sendMany(40, 'b'), sendMany(40, 'c')]);
    const statuses: number[] = [];
    for (const id of ids) {
      // To Trash, then for good: the second is a read-then-write transaction.
      statuses.push((await bob.patch(`/api/messages/${id}`, { isStarred: true })).status);
      statuses.push((await bob.del(`/api/messages/${id}`)).status);
      statuses.push((await bob.del(`/api/messages/${id}`)).status);
    }
    const replies = (await deliveries).flat();

    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expect(replies.filter((r) => !r.startsWith('250'))).toEqual([]);
    const after = (await bob.get('/api/folders')).body.folders;
    expect(after.find((f: { kind: string }) => f.kind === 'inbox').totalCount).toBe(120);
    expect(after.find((f: { kind: string }) => f.kind === 'trash').totalCount).toBe(0);
  });

  it('stores every chat message with its first tick while the API writes through Prisma', async () => {
    const alice = server.api((await server.register('alice@example.test')).token);
    const first = await alice.post('/api/messages', { to: ['bob@example.test'], subject: 'chat', text: 'hello' });
    expect(first.status).toBe(202);
    const sends = (async () => {
      const answers: Array<{ status: number; recipients: unknown }> = [];
      for (let i = 0; i < 30; i++) {
        const res = await alice.post('/api/messages', { to: ['bob@example.test'], subject: 'Re: chat', text: `line ${i}`, inReplyToId: first.body.message.id });
        answers.push({ status: res.status, recipients: res.body.message?.recipients });
      }
      return answers;
    })();
    const inbox = (await bob.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const ids: number[] = (await bob.get(`/api/folders/${inbox.id}/messages?limit=5`)).body.messages.map((m: { id: number }) => m.id);
      for (const id of ids) statuses.push((await bob.patch(`/api/messages/${id}`, { isStarred: i % 2 === 0 })).status);
    }
    const answers = await sends;

    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expect(answers.map((a) => a.status).filter((s) => s !== 202)).toEqual([]);
    // The compose answer waits for the first statuses: each carries Bob's "delivered".
    for (const a of answers) expect(a.recipients).toMatchObject([{ address: 'bob@example.test', status: 'delivered' }]);
  });
});
