// One mail to two users: two copies, exactly one new_email each with the
// contract's payload, and neither user can see the other's copy through the
// API or the socket. Sockets without a valid token are refused.
import type { Transporter } from 'nodemailer';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1X1, storedIds } from '../support/mail-helpers.js';
import { collectEvents, sleep, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

interface User {
  api: ApiClient;
  socket: Socket;
  inboxId: number;
  events: any[];
  otherEvents: any[];
}

let server: TestServer;
let mailer: Transporter;
let bob: User;
let carol: User;

// The contract's new_email.email fields; the server may add more (CONTRACT.md: "add freely").
const EMAIL_FIELDS = ['id', 'threadId', 'fromEmail', 'fromName', 'subject', 'bodyText', 'bodyHtml', 'isRead', 'sentAt', 'createdAt'];

async function user(email: string): Promise<User> {
  const { token } = await server.register(email);
  const api = server.api(token);
  const socket = await server.socket(token);
  const folders = (await api.get('/api/folders')).body.folders;
  const events = collectEvents(socket, 'new_email');
  const otherEvents: any[] = [];
  for (const name of ['email_updated', 'email_deleted']) socket.on(name, (p: unknown) => otherEvents.push({ name, ...(p as object) }));
  return { api, socket, inboxId: folders.find((f: { kind: string }) => f.kind === 'inbox').id, events, otherEvents };
}

/** Waits until `list` has at least n entries (60 s is a liveness bound, not a speed target). */
async function waitFor(list: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 6000 && list.length < n; i++) await sleep(10);
  expect(list.length).toBeGreaterThanOrEqual(n);
}

beforeAll(async () => {
  server = await startTestServer();
  bob = await user('bob@example.test');
  carol = await user('carol@example.test');
  mailer = server.mailer();
});

afterAll(async () => {
  await server.stop();
});

describe('one mail to two users', () => {
  let bobCopy: any;
  let carolCopy: any;

  it('stores two copies and sends each owner exactly one new_email', async () => {
    const info = await mailer.sendMail({
      from: '"Dana Ö" <dana@remote.test>',
      to: ['bob@example.test', 'Carol <CAROL@example.test>'],
      subject: 'For both of you',
      text: 'Hello both',
      html: '<p onclick="x()">Hello <b>both</b></p><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src="cid:pic@dana">',
      attachments: [{ filename: 'pic.png', content: PNG_1X1, cid: 'pic@dana' }],
    });
    const ids = storedIds(info.response ?? '');
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);

    await waitFor(bob.events, 1);
    await waitFor(carol.events, 1);
    await sleep(300); // room for a duplicate to show up, if the server sent one
    expect(bob.events).toHaveLength(1);
    expect(carol.events).toHaveLength(1);

    bobCopy = (await bob.api.get(`/api/folders/${bob.inboxId}/messages`)).body.messages[0];
    carolCopy = (await carol.api.get(`/api/folders/${carol.inboxId}/messages`)).body.messages[0];
    expect([bobCopy.id, carolCopy.id].sort()).toEqual([...ids].sort());
    expect(bob.events[0].email.id).toBe(bobCopy.id);
    expect(carol.events[0].email.id).toBe(carolCopy.id);
  });

  it('sends the payload the contract describes, with sanitised bodyHtml', async () => {
    for (const [u, copy] of [[bob, bobCopy], [carol, carolCopy]] as const) {
      const payload = u.events[0];
      expect(Object.keys(payload).sort()).toEqual(['email', 'folderId']);
      expect(payload.folderId).toBe(u.inboxId);
      for (const field of EMAIL_FIELDS) expect(payload.email).toHaveProperty(field);
      const full = (await u.api.get(`/api/messages/${copy.id}`)).body.message;
      const e = payload.email;
      expect(e).toMatchObject({
        id: full.id, threadId: full.threadId, fromEmail: 'dana@remote.test', fromName: 'Dana Ö',
        subject: 'For both of you', bodyText: full.bodyText, bodyHtml: full.bodyHtml, isRead: false,
        sentAt: full.sentAt, createdAt: full.createdAt,
      });
      expect(typeof e.id).toBe('number');
      expect(typeof e.threadId).toBe('number');
      expect(e.bodyText).toContain('Hello both');
      expect(new Date(e.sentAt).toISOString()).toBe(e.sentAt);
      expect(new Date(e.createdAt).toISOString()).toBe(e.createdAt);
      expect(e.bodyHtml).toContain('<b>both</b>');
      expect(e.bodyHtml).not.toMatch(/<script|\son[a-z]+\s*=|javascript:/i);
      expect(e.bodyHtml).toContain(`src="/api/attachments/${full.attachments[0].id}"`);
    }
  });

  it('lets neither user read the other copy: message, raw, thread, attachment are 404', async () => {
    for (const [reader, copy] of [[bob, carolCopy], [carol, bobCopy]] as const) {
      const full = (await (reader === bob ? carol : bob).api.get(`/api/messages/${copy.id}`)).body.message;
      const paths = [
        `/api/messages/${copy.id}`,
        `/api/messages/${copy.id}/raw`,
        `/api/threads/${copy.threadId}`,
        `/api/attachments/${full.attachments[0].id}`,
      ];
      for (const p of paths) {
        const res = await reader.api.get(p);
        expect(res.status, p).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect((await reader.api.patch(`/api/messages/${copy.id}`, { isRead: true })).status).toBe(404);
      expect((await reader.api.del(`/api/messages/${copy.id}`)).status).toBe(404);
    }
    // The failed PATCH/DELETE changed nothing and told nobody.
    expect((await bob.api.get(`/api/messages/${bobCopy.id}`)).body.message).toMatchObject({ isRead: false, folderId: bob.inboxId });
    expect(bob.otherEvents).toEqual([]);
    expect(carol.otherEvents).toEqual([]);
  });

  it("never delivers one user's events to the other", async () => {
    await mailer.sendMail({ from: 'x@remote.test', to: 'bob@example.test', subject: 'Only Bob', text: 'b' });
    await waitFor(bob.events, 2);
    expect((await bob.api.patch(`/api/messages/${bobCopy.id}`, { isStarred: true })).status).toBe(200);
    await waitFor(bob.otherEvents, 1);
    await sleep(200);
    expect(bob.events.map((e) => e.email.subject)).toEqual(['For both of you', 'Only Bob']);
    expect(bob.otherEvents).toEqual([expect.objectContaining({ name: 'email_updated', id: bobCopy.id, isStarred: true })]);
    expect(carol.events).toHaveLength(1);
    expect(carol.otherEvents).toEqual([]);
  });
});

describe('socket handshake', () => {
  function refused(auth?: Record<string, unknown>): Promise<Error> {
    const socket = io(server.baseUrl, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => {
        socket.disconnect();
        reject(new Error('connected without a valid token'));
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        resolve(err);
      });
    });
  }

  it('refuses a socket with no token', async () => {
    expect((await refused()).message).toBe('unauthorized');
  });

  it('refuses garbage and a token signed with another secret', async () => {
    expect((await refused({ token: 'not-a-jwt' })).message).toBe('unauthorized');
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaXNzIjoiY2hpdGJveCIsImF1ZCI6ImNoaXRib3gtd2ViIn0.' +
      'c2lnbmF0dXJlLXdpdGgtdGhlLXdyb25nLWtleS0wMDAwMDA';
    expect((await refused({ token: forged })).message).toBe('unauthorized');
    expect((await refused({ token: 42 })).message).toBe('unauthorized');
  });
});
