// The chat's socket events between three local users: Alice and Bob write to
// each other, Carol shares nothing with them. Each event reaches the right
// user with that user's own ids, and never Carol. "Never" is shown without
// waiting: once the right user has an event, anything for Carol was already
// on her connection, so a later event of her own (a note to herself) is a
// barrier after which her list must still be empty.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvents, nextEvent, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

interface Person {
  email: string;
  token: string;
  api: ApiClient;
  socket: Socket;
  seen: Record<'typing' | 'presence' | 'message_read' | 'delivery_status' | 'new_email', any[]>;
}

let server: TestServer;
let alice: Person;
let bob: Person;
let carol: Person;

const CHAT_EVENTS = ['typing', 'presence', 'message_read', 'delivery_status', 'new_email'] as const;

async function connect(email: string, token: string): Promise<{ socket: Socket; seen: Person['seen'] }> {
  const socket = await server.socket(token);
  const seen = Object.fromEntries(CHAT_EVENTS.map((e) => [e, collectEvents(socket, e)])) as Person['seen'];
  return { socket, seen };
}

async function person(email: string): Promise<Person> {
  const { token } = await server.register(email);
  return { email, token, api: server.api(token), ...(await connect(email, token)) };
}

/** Resolves once `list` has an entry matching `test` (a state, not a time). */
async function until<T>(list: T[], test: (x: T) => boolean, what: string): Promise<T> {
  for (;;) {
    const hit = list.find(test);
    if (hit) return hit;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never saw ${what}`)), 60_000);
      const check = setInterval(() => {
        if (list.find(test)) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 5);
    });
  }
}

let barrierCount = 0;
/** An event of the person's own, sent after everything before it: later than anything already emitted to them. */
async function barrier(p: Person): Promise<void> {
  const subject = `barrier ${++barrierCount}`;
  const res = await p.api.post('/api/messages', { to: [p.email], subject, text: 'note to self' });
  expect(res.status).toBe(202);
  await until(p.seen.new_email, (e) => e.email.subject === subject, subject);
}

async function send(from: Person, to: string[], subject: string, inReplyToId?: number, text = `text of ${subject}`) {
  const res = await from.api.post('/api/messages', { to, subject, text, ...(inReplyToId ? { inReplyToId } : {}) });
  expect(res.status).toBe(202);
  return res.body.message;
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await person('alice@example.test');
  bob = await person('bob@example.test');
  carol = await person('carol@example.test');
});

afterAll(async () => {
  await server.stop();
});

describe('chat events', () => {
  let aliceSent: any; // Alice's copy of her first message to Bob
  let bobCopy: any; // Bob's copy of it

  it('delivery_status "delivered" to the sender, with the sender\'s own ids; recipients on GET', async () => {
    // Bob's thread ids run ahead of Alice's, so a mix-up of ids would show.
    await barrier(bob);
    await barrier(bob);
    aliceSent = await send(alice, ['bob@example.test'], 'Lunch?');
    const delivered = await until(alice.seen.delivery_status, (e) => e.messageId === aliceSent.id, 'delivered');
    expect(delivered).toEqual({
      messageId: aliceSent.id, threadId: aliceSent.threadId, recipient: 'bob@example.test', status: 'delivered', at: expect.any(String),
    });
    expect(aliceSent.recipients).toEqual([{ address: 'bob@example.test', name: '', status: 'delivered', at: delivered.at }]);
    const got = await alice.api.get(`/api/messages/${aliceSent.id}`);
    expect(got.body.message.recipients).toEqual([{ address: 'bob@example.test', name: '', status: 'delivered', at: delivered.at }]);
    bobCopy = (await until(bob.seen.new_email, (e) => e.email.subject === 'Lunch?', 'Bob\'s copy')).email;
    expect(bobCopy.threadId).not.toBe(aliceSent.threadId);
    // Bob's copy is not his to track: no recipients on it.
    expect((await bob.api.get(`/api/messages/${bobCopy.id}`)).body.message.recipients).toBeUndefined();
    await barrier(carol);
    expect(carol.seen.delivery_status).toEqual([]);
  });

  it('typing reaches the other party with their own thread id, never a third user', async () => {
    bob.socket.emit('typing', { threadId: bobCopy.threadId });
    const heard = await until(alice.seen.typing, () => true, 'typing');
    expect(heard).toEqual({ threadId: aliceSent.threadId, from: { address: 'bob@example.test', name: '' } });
    alice.socket.emit('typing', { threadId: aliceSent.threadId });
    expect(await until(bob.seen.typing, () => true, 'typing')).toEqual({ threadId: bobCopy.threadId, from: { address: 'alice@example.test', name: '' } });
    await barrier(carol);
    expect(carol.seen.typing).toEqual([]);
    // The typist's own other tabs hear nothing either.
    expect(alice.seen.typing).toHaveLength(1);
  });

  it('ignores typing in a thread that is not the sender\'s, and malformed payloads', async () => {
    const before = { alice: alice.seen.typing.length, bob: bob.seen.typing.length };
    carol.socket.emit('typing', { threadId: aliceSent.threadId }); // Alice's id: not Carol's thread
    carol.socket.emit('typing', { threadId: bobCopy.threadId });
    for (const bad of [{ threadId: 'x' }, { threadId: -1 }, { threadId: 1.5 }, { threadId: 1, extra: true }, null, 'typing']) {
      (carol.socket as any).emit('typing', bad);
    }
    // A legitimate event after them: once Alice has it, Carol's were handled (one socket, in order).
    carol.socket.emit('typing', { threadId: 999_999 });
    bob.socket.emit('typing', { threadId: bobCopy.threadId });
    await until(alice.seen.typing, (_e) => alice.seen.typing.length > before.alice, 'Bob typing again');
    expect(alice.seen.typing.slice(before.alice)).toEqual([{ threadId: aliceSent.threadId, from: { address: 'bob@example.test', name: '' } }]);
    await barrier(bob);
    expect(bob.seen.typing.length).toBe(before.bob);
    expect(carol.socket.connected).toBe(true);
  });

  it('presence: online with the first socket, offline only when the last one closes, to peers only', async () => {
    const second = await connect(alice.email, alice.token);
    // Alice was online already: her second tab changes nothing for Bob.
    const third = await connect(alice.email, alice.token);
    third.socket.disconnect();
    await barrier(bob);
    expect(bob.seen.presence.filter((p) => p.address === 'alice@example.test' && !p.online)).toEqual([]);
    alice.socket.disconnect();
    second.socket.disconnect();
    const offline = await until(bob.seen.presence, (p) => p.address === 'alice@example.test' && !p.online, 'Alice offline');
    expect(offline).toEqual({ address: 'alice@example.test', online: false, lastSeenAt: expect.any(String) });
    expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
    const api = await bob.api.get('/api/presence?addresses=alice@example.test,carol@example.test,nobody@example.test,x@remote.test');
    expect(api.status).toBe(200);
    // Carol shares nothing with Bob: left out, like an unknown or outside address.
    expect(api.body).toEqual({ presence: [{ address: 'alice@example.test', online: false, lastSeenAt: offline.lastSeenAt }] });

    const back = await connect(alice.email, alice.token);
    alice.socket = back.socket;
    alice.seen = back.seen;
    expect(await until(bob.seen.presence, (p) => p.address === 'alice@example.test' && p.online, 'Alice online')).toEqual({
      address: 'alice@example.test', online: true, lastSeenAt: null,
    });
    await barrier(carol);
    expect(carol.seen.presence).toEqual([]);
    expect((await carol.api.get('/api/presence?addresses=alice@example.test,bob@example.test')).body).toEqual({ presence: [] });
  });

  it('presence query is validated', async () => {
    expect((await bob.api.get('/api/presence')).status).toBe(400);
    expect((await bob.api.get('/api/presence?addresses=,')).status).toBe(400);
    expect((await server.api().get('/api/presence?addresses=alice@example.test')).status).toBe(401);
  });

  it('message_read goes to the sender once, about the sender\'s copy', async () => {
    const read = await bob.api.patch(`/api/messages/${bobCopy.id}`, { isRead: true });
    expect(read.status).toBe(200);
    const event = await until(alice.seen.message_read, () => true, 'message_read');
    expect(event).toEqual({
      messageId: aliceSent.id, threadId: aliceSent.threadId, reader: { address: 'bob@example.test', name: '' }, readAt: expect.any(String),
    });
    expect(await until(alice.seen.delivery_status, (e) => e.status === 'read', 'read status')).toEqual({
      messageId: aliceSent.id, threadId: aliceSent.threadId, recipient: 'bob@example.test', status: 'read', at: event.readAt,
    });
    // Unread and read again, from another tab, twice: no second notice.
    await bob.api.patch(`/api/messages/${bobCopy.id}`, { isRead: false });
    await bob.api.patch(`/api/messages/${bobCopy.id}`, { isRead: true });
    await bob.api.patch(`/api/threads/${bobCopy.threadId}`, { isRead: true });
    await server.chitbox.core.chat.settled();
    await barrier(alice);
    expect(alice.seen.message_read).toHaveLength(1);
    expect((await alice.api.get(`/api/messages/${aliceSent.id}`)).body.message.recipients[0]).toMatchObject({ status: 'read' });
    await barrier(carol);
    expect(carol.seen.message_read).toEqual([]);
  });

  it('a reply from Bob: Alice is told nothing about reading her own copy', async () => {
    const reply = await send(bob, ['alice@example.test'], 'Re: Lunch?', bobCopy.id);
    const aliceCopy = (await until(alice.seen.new_email, (e) => e.email.subject === 'Re: Lunch?', 'reply')).email;
    expect(aliceCopy.threadId).toBe(aliceSent.threadId); // threaded for her too
    await alice.api.patch(`/api/messages/${aliceCopy.id}`, { isRead: true });
    const event = await until(bob.seen.message_read, () => true, 'Bob told');
    expect(event).toMatchObject({ messageId: reply.id, threadId: reply.threadId, reader: { address: 'alice@example.test' } });
    expect(alice.seen.message_read).toHaveLength(1); // still only the earlier one
  });

  it('quoted text: the same ranges in the new_email payload and the API', async () => {
    const body = 'Yes, noon.\n\nOn Sat, Nov 21, 2026 at 10:00 AM Alice <alice@example.test> wrote:\n> Lunch?\n';
    const sent = await send(bob, ['alice@example.test'], 'Quoting', undefined, body);
    const announced = (await until(alice.seen.new_email, (e) => e.email.subject === 'Quoting', 'quoting reply')).email;
    const start = body.indexOf('Yes, noon.') + 'Yes, noon.'.length;
    expect(announced.quotedRanges).toEqual([{ start, end: announced.bodyText.length, kind: 'quote' }]);
    expect(announced.bodyText.slice(0, start)).toBe('Yes, noon.');
    const served = (await alice.api.get(`/api/messages/${announced.id}`)).body.message;
    expect(served.quotedRanges).toEqual(announced.quotedRanges);
    expect((await bob.api.get(`/api/messages/${sent.id}`)).body.message.quotedRanges).toEqual(announced.quotedRanges);
  });

  it('contacts: people one has mailed with, local ones marked', async () => {
    const res = await alice.api.get('/api/contacts');
    expect(res.status).toBe(200);
    expect(res.body.contacts).toEqual([
      { address: 'bob@example.test', name: '', local: true, lastMessageAt: expect.any(String), lastThread: { id: expect.any(Number), folderId: expect.any(Number) } },
    ]);
    expect((await carol.api.get('/api/contacts')).body.contacts).toEqual([]);
  });

  it('read-receipt settings: off by default, validated, per user', async () => {
    expect((await alice.api.get('/api/settings/chat')).body).toEqual({ settings: { requestReadReceipts: false, sendReadReceipts: false } });
    const on = await alice.api.patch('/api/settings/chat', { sendReadReceipts: true });
    expect(on.body).toEqual({ settings: { requestReadReceipts: false, sendReadReceipts: true } });
    expect((await alice.api.patch('/api/settings/chat', {})).status).toBe(400);
    expect((await alice.api.patch('/api/settings/chat', { sendReadReceipts: 'yes' })).status).toBe(400);
    expect((await alice.api.patch('/api/settings/chat', { other: true })).status).toBe(400);
    expect((await bob.api.get('/api/settings/chat')).body.settings.sendReadReceipts).toBe(false);
  });

  it('refuses a socket without a valid token', async () => {
    const s = io(server.baseUrl, { auth: { token: 'nope' }, transports: ['websocket'], reconnection: false, forceNew: true });
    await expect(nextEvent(s, 'connect_error')).resolves.toBeDefined();
    s.close();
  });
});
