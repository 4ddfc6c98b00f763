// GET /api/search (CONTRACT.md "Search, import and export") end to end: the
// shared corpus (five languages) arrives over real SMTP, is indexed by the
// delivery's own commit, and every query of the shared table finds exactly
// its messages through HTTP; then each operator, ranking, highlight,
// paging, isolation between users, moves and deletes, and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, QUERY_TABLE, type CorpusMessage } from '../mail/search/search-corpus.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;
let carol: ApiClient;
/** corpus id -> stored message id (bob's copy) */
const stored = new Map<number, number>();
let carolInvoice: number;

interface Hit {
  id: number;
  subject: string;
  highlight: { subject: string; from: string; snippet: string; attachments: string[] };
}

async function searchPage(api: ApiClient, q: string, extra = ''): Promise<{ messages: Hit[]; nextCursor: string | null }> {
  const res = await api.get(`/api/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The corpus ids a query finds, in the order given. */
async function found(q: string, api = bob): Promise<number[]> {
  const byStoredId = new Map([...stored].map(([corpusId, id]) => [id, corpusId]));
  return (await searchPage(api, q)).messages.map((m) => byStoredId.get(m.id) ?? -m.id);
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const day = (id: number) => new Date(Date.UTC(2026, 0, id, 12, 0, 0));

function sendCorpusMessage(m: CorpusMessage) {
  return server.mailer().sendMail({
    envelope: { from: m.fromEmail, to: 'bob@example.test' },
    from: { name: m.fromName, address: m.fromEmail },
    to: m.to.map((t) => ({ name: t.name ?? '', address: t.address })),
    subject: m.subject,
    text: m.bodyText,
    date: day(m.id),
    attachments: m.attachmentNames.map((filename) => ({ filename, content: Buffer.from(`content of ${filename}`) })),
  });
}

async function idBySubject(api: ApiClient, subject: string): Promise<number> {
  const folders = (await api.get('/api/folders')).body.folders as Array<{ id: number; kind: string }>;
  const inbox = folders.find((f) => f.kind === 'inbox')!.id;
  const list = (await api.get(`/api/folders/${inbox}/messages?limit=100`)).body.messages as Array<{ id: number; subject: string }>;
  return list.find((m) => m.subject === subject)!.id;
}

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  carol = server.api((await server.register('carol@example.test')).token);
  // One at a time, in corpus order: arrival order is the recency tie-break.
  for (const m of CORPUS) {
    await sendCorpusMessage(m);
    stored.set(m.id, await idBySubject(bob, m.subject));
  }
  await server.mailer().sendMail({ from: 'billing@shop.test', to: 'carol@example.test', subject: 'Carol invoice', text: 'An invoice for Carol.' });
  carolInvoice = await idBySubject(carol, 'Carol invoice');
  // Flags and folders for the operators: 1 read, 3 starred, 4 archived.
  const folders = (await bob.get('/api/folders')).body.folders as Array<{ id: number; kind: string }>;
  const archive = folders.find((f) => f.kind === 'archive')!.id;
  expect((await bob.patch(`/api/messages/${stored.get(1)}`, { isRead: true })).status).toBe(200);
  expect((await bob.patch(`/api/messages/${stored.get(3)}`, { isStarred: true })).status).toBe(200);
  expect((await bob.patch(`/api/messages/${stored.get(4)}`, { folderId: archive })).status).toBe(200);
});

afterAll(async () => {
  await server.stop();
});

describe('GET /api/search: the shared query table over HTTP', () => {
  it.each(QUERY_TABLE)('$q finds $ids ($why)', async ({ q, ids, ranked }) => {
    const got = await found(q);
    if (ranked) expect(got).toEqual(ids);
    else expect(sorted(got)).toEqual(sorted(ids));
  });
});

describe('GET /api/search: operators', () => {
  it.each([
    { q: 'has:attachment', ids: [1], why: 'attachments' },
    { q: '-has:attachment invoice', ids: [2], why: 'no attachment' },
    { q: 'is:unread invoice', ids: [2], why: '1 was read' },
    { q: 'is:read', ids: [1], why: 'only 1 was read' },
    { q: 'is:starred', ids: [3], why: 'only 3 was starred' },
    { q: 'in:archive', ids: [4], why: 'moved: the index follows the row' },
    { q: 'in:Archive news', ids: [4], why: 'folder kind or name, any case' },
    { q: 'in:inbox news', ids: [2, 3], why: 'news outside the archive' },
    { q: '-in:inbox', ids: [4], why: 'negated folder' },
    { q: 'before:2026-01-03', ids: [1, 2], why: 'sent before that day' },
    { q: 'after:2026-01-11', ids: [11, 12], why: 'sent on or after that day' },
    { q: 'after:2026-01-05 before:2026-01-07', ids: [5, 6], why: 'a range of days' },
    { q: 'after:2026-01-05 before:2026-01-07 счёт', ids: [6], why: 'a range and a word' },
    { q: 'is:read is:unread', ids: [], why: 'contradiction: nothing' },
    { q: 'in:nosuchfolder', ids: [], why: 'an unknown folder holds nothing' },
  ])('$q finds $ids ($why)', async ({ q, ids }) => {
    expect(sorted(await found(q))).toEqual(sorted(ids));
  });

  it('answers 400 with a reason for an operator it cannot read', async () => {
    for (const q of ['before:yesterday', 'is:maybe', 'has:pictures', 'from:']) {
      const res = await bob.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.message.length, q).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/search: ranking, highlight, paging', () => {
  it('ranks a subject and attachment match above a body match, then newest first', async () => {
    expect(await found('invoice')).toEqual([1, 2]);
    expect(await found('stays')).toEqual([12, 11]);
    expect((await found('news'))[0]).toBe(3);
  });

  it('marks the matched words in the subject, the sender, the snippet and attachment names, as escaped HTML', async () => {
    const [first] = (await searchPage(bob, 'invoice')).messages;
    expect(first!.highlight.subject).toBe('Quarterly <mark>invoice</mark>');
    expect(first!.highlight.snippet).toBe('Your <mark>invoice</mark> for November is attached.');
    expect(first!.highlight.attachments).toEqual(['<mark>invoice</mark>-2024-11.pdf']);
    const [fromHit] = (await searchPage(bob, 'from:ann')).messages;
    expect(fromHit!.highlight.from).toBe('<mark>Ann</mark> Lee &#60;<mark>ann</mark>@lee.test&#62;');
    const [japanese] = (await searchPage(bob, '東京')).messages;
    expect(japanese!.highlight.snippet).toContain('<mark>東京</mark>');
    const [german] = (await searchPage(bob, 'grusse')).messages;
    expect(german!.highlight.snippet).toContain('<mark>Grüße</mark>');
  });

  it('pages with an opaque cursor until there is none, never repeating a message', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { messages: Hit[]; nextCursor: string | null } = await searchPage(bob, 'in:inbox', `&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.messages.length).toBeLessThanOrEqual(4);
      seen.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(CORPUS.length - 1);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await bob.get('/api/search?q=news&cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });
});

describe('GET /api/search: whose mail', () => {
  it('finds only the caller\'s own messages', async () => {
    expect(await found('invoice')).not.toContain(-carolInvoice);
    expect((await searchPage(carol, 'invoice')).messages.map((m) => m.id)).toEqual([carolInvoice]);
    expect((await searchPage(carol, 'rechnung')).messages).toEqual([]);
  });

  it('refuses a search without a token', async () => {
    expect((await server.api().get('/api/search?q=invoice')).status).toBe(401);
  });
});

describe('GET /api/search: moves and deletes', () => {
  it('follows a message to Trash, and forgets it once deleted for good', async () => {
    await server.mailer().sendMail({ from: 'x@remote.test', to: 'bob@example.test', subject: 'Walrus', text: 'a walrus on the beach' });
    const id = await idBySubject(bob, 'Walrus');
    expect((await searchPage(bob, 'walrus')).messages.map((m) => m.id)).toEqual([id]);
    expect((await bob.del(`/api/messages/${id}`)).status).toBe(204);
    expect((await searchPage(bob, 'walrus in:trash')).messages.map((m) => m.id)).toEqual([id]);
    expect((await searchPage(bob, 'walrus in:inbox')).messages).toEqual([]);
    expect((await bob.del(`/api/messages/${id}`)).status).toBe(204);
    expect((await searchPage(bob, 'walrus')).messages).toEqual([]);
  });
});

describe('GET /api/search: hostile queries', () => {
  const hostile = [
    '"unbalanced', 'un"bal"anced"', '%', '_', '*', '%%%', '_*_', 'a*', '*invoice', 'invoice*', '-', '--', '-"', '""', '"',
    'NEAR(invoice lunch)', 'invoice AND lunch', 'subject:', 'body:invoice', '{subject}:invoice', '^invoice', 'invoice:',
    "'; DROP TABLE mail_messages; --", '\\', '\u0000', '\u202e', '(((', ')', 'x'.repeat(5 * 1024), 'invoice '.repeat(640),
    Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '),
  ];

  it.each(hostile.map((q) => [q.length > 40 ? `${q.slice(0, 40)}… (${q.length} chars)` : q, q]))('%s is answered 200 or 400', async (_label, q) => {
    const res = await bob.get(`/api/search?q=${encodeURIComponent(q)}`);
    expect([200, 400], JSON.stringify(res.body)).toContain(res.status);
    if (res.status === 400) expect(res.body.error.code).toMatch(/^[a-z_]+$/);
    else expect(Array.isArray(res.body.messages)).toBe(true);
  });

  it('still searches after all of them', async () => {
    expect(await found('invoice')).toEqual([1, 2]);
  });
});
