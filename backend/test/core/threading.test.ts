// Threads: References / In-Reply-To put a reply in its parent's thread; the
// subject alone never joins two messages.
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedIds } from '../support/mail-helpers.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let mailer: Transporter;
let bob: ApiClient;
let carol: ApiClient;

/** Delivers one message to one user; returns the stored id. */
async function send(mail: Record<string, unknown>): Promise<number> {
  const info = await mailer.sendMail({ from: 'Alice <alice@remote.test>', to: 'bob@example.test', text: 'text', ...mail });
  const ids = storedIds(info.response ?? '');
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

async function threadOf(api: ApiClient, id: number): Promise<number> {
  const res = await api.get(`/api/messages/${id}`);
  expect(res.status).toBe(200);
  return res.body.message.threadId;
}

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  carol = server.api((await server.register('carol@example.test')).token);
  mailer = server.mailer();
});

afterAll(async () => {
  await server.stop();
});

describe('threading', () => {
  let original: number;
  let reply: number;
  let second: number;
  let unrelated: number;

  it('puts replies (In-Reply-To + References, or References only) in the parent thread', async () => {
    original = await send({ subject: 'Lunch?', messageId: '<lunch-1@remote.test>', text: 'Lunch at noon?' });
    reply = await send({
      from: 'Bob <bob@example.test>', subject: 'Re: Lunch?', messageId: '<lunch-2@example.test>',
      inReplyTo: '<lunch-1@remote.test>', references: ['<lunch-1@remote.test>'], text: 'Yes',
    });
    // A reply that only carries References (some clients omit In-Reply-To).
    second = await send({
      subject: 'Re: Re: Lunch?', messageId: '<lunch-3@remote.test>',
      references: ['<lunch-1@remote.test>', '<lunch-2@example.test>'], text: 'Great',
    });
    const t = await threadOf(bob, original);
    expect(await threadOf(bob, reply)).toBe(t);
    expect(await threadOf(bob, second)).toBe(t);

    const res = await bob.get(`/api/threads/${t}`);
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m: { id: number }) => m.id)).toEqual([original, reply, second]);
    expect(res.body.messages[1]).toMatchObject({ messageId: 'lunch-2@example.test', inReplyTo: 'lunch-1@remote.test' });
    expect(res.body.thread).toMatchObject({ id: t, messageCount: 3, unreadCount: 3 });
    const times = res.body.messages.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('gives an unrelated message with the same subject its own thread', async () => {
    unrelated = await send({ subject: 'Lunch?', messageId: '<other-lunch@remote.test>', text: 'A different lunch' });
    const t = await threadOf(bob, unrelated);
    expect(t).not.toBe(await threadOf(bob, original));
    const res = await bob.get(`/api/threads/${t}`);
    expect(res.body.messages.map((m: { id: number }) => m.id)).toEqual([unrelated]);
  });

  it('lists both threads in the inbox, the most recent first', async () => {
    const folders = (await bob.get('/api/folders')).body.folders;
    const inbox = folders.find((f: { kind: string }) => f.kind === 'inbox');
    const res = await bob.get(`/api/folders/${inbox.id}/threads`);
    expect(res.status).toBe(200);
    expect(res.body.threads.map((t: { messageCount: number }) => t.messageCount)).toEqual([1, 3]);
    expect(res.body.threads[0].id).toBe(await threadOf(bob, unrelated));
  });

  it('threads per user: a reference to a message only Bob has starts a new thread for Carol', async () => {
    const forCarol = await send({
      to: 'carol@example.test', subject: 'Re: Lunch?', messageId: '<lunch-4@remote.test>',
      inReplyTo: '<lunch-1@remote.test>', references: ['<lunch-1@remote.test>'],
    });
    const t = await threadOf(carol, forCarol);
    const res = await carol.get(`/api/threads/${t}`);
    expect(res.body.messages.map((m: { id: number }) => m.id)).toEqual([forCarol]);
    expect((await bob.get(`/api/threads/${t}`)).status).toBe(404);
  });
});
