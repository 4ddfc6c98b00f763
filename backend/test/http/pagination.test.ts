// Cursor pagination over folder messages and folder threads: every item once,
// newest first, stable while new mail arrives; cursors are validated.
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedIds } from '../support/mail-helpers.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let mailer: Transporter;
let bob: ApiClient;
let inboxId: number;
const ids: number[] = []; // delivery order, oldest first

async function deliver(n: number, extra: Record<string, unknown> = {}): Promise<number> {
  const info = await mailer.sendMail({
    from: 'a@remote.test', to: 'bob@example.test', subject: `Message ${n}`, text: `number ${n}`,
    messageId: `<page-${n}@remote.test>`, ...extra,
  });
  return storedIds(info.response ?? '')[0]!;
}

/** Follows nextCursor to the end; returns the pages' id lists. */
async function walk(kind: 'messages' | 'threads', limit: number, between?: () => Promise<void>): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  do {
    const q: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await bob.get(`/api/folders/${inboxId}/${kind}${q}`);
    expect(res.status).toBe(200);
    pages.push(res.body[kind].map((x: { id: number }) => x.id));
    cursor = res.body.nextCursor;
    if (pages.length === 1) await between?.();
    expect(pages.length).toBeLessThan(20);
  } while (cursor);
  return pages;
}

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  inboxId = (await bob.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox').id;
  mailer = server.mailer();
  for (let n = 1; n <= 5; n++) ids.push(await deliver(n));
  // Two replies to message 1: its thread becomes the most recently active one.
  for (const n of [6, 7]) ids.push(await deliver(n, { inReplyTo: '<page-1@remote.test>', references: '<page-1@remote.test>' }));
});

afterAll(async () => {
  await server.stop();
});

describe('folder messages', () => {
  it('walks 7 messages 3 at a time, newest first, with no duplicates or gaps', async () => {
    const pages = await walk('messages', 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());
  });

  it('stays stable when a message arrives during the walk', async () => {
    let late = 0;
    const pages = await walk('messages', 3, async () => {
      late = await deliver(8);
    });
    expect(pages.flat()).toEqual([...ids].reverse());
    const first = await bob.get(`/api/folders/${inboxId}/messages?limit=1`);
    expect(first.body.messages[0].id).toBe(late);
    ids.push(late);
  });

  it('returns nextCursor null on the last page', async () => {
    const res = await bob.get(`/api/folders/${inboxId}/messages?limit=50`);
    expect(res.body.messages).toHaveLength(ids.length);
    expect(res.body.nextCursor).toBeNull();
  });
});

describe('folder threads', () => {
  it('walks threads 2 at a time, ordered by last activity', async () => {
    const threadOf = async (id: number) => (await bob.get(`/api/messages/${id}`)).body.message.threadId as number;
    // Threads: message 8 (newest), then 1+6+7 (active at 7), then 5, 4, 3, 2.
    const expected = [];
    for (const id of [ids[7]!, ids[0]!, ids[4]!, ids[3]!, ids[2]!, ids[1]!]) expected.push(await threadOf(id));
    const pages = await walk('threads', 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(pages.flat()).toEqual(expected);
    const res = await bob.get(`/api/folders/${inboxId}/threads?limit=2`);
    expect(res.body.threads[1]).toMatchObject({ messageCount: 3, subject: 'Message 1' });
  });
});

describe('bad paging input', () => {
  it('answers 400 to a cursor the server did not issue, malformed or far-future', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const notIssued = [
      'garbage!!', b64('abc'), b64('12:x'), 'x'.repeat(500),
      // well-formed keys no row can have: past year 9999, an id past 32 bits, both at the digit limits
      b64('253402300800000:5'), b64('999999999999999:1'), b64('1700000000000:2147483648'), b64('999999999999999:9999999999'),
    ];
    for (const cursor of notIssued) {
      for (const kind of ['messages', 'threads']) {
        const res = await bob.get(`/api/folders/${inboxId}/${kind}?cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, `${kind} ${cursor}`).toBe(400);
        expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      }
    }
  });

  it('answers 400 to a limit out of range', async () => {
    for (const limit of ['0', '-1', '201', 'ten']) {
      expect((await bob.get(`/api/folders/${inboxId}/messages?limit=${limit}`)).status, limit).toBe(400);
    }
  });
});
