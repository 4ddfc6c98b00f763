// The IMAP server with Python's imaplib as the client, against a real
// ChitBox (SMTP in, HTTP API beside): login, folders with special-use,
// counts equal to the API's, BODY[] byte for byte, flags both ways, MOVE,
// COPY, EXPUNGE, APPEND, one user never seeing another's mail, and FETCH's
// sequence numbers after all that.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../support/mail-helpers.js';
import { PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { deliver, deliverRaw, imaplib, text, type Step } from './imap-harness.js';

let server: TestServer;
let imapPort: number;
let api: ApiClient;

const login = (email = 'ivy@example.test'): Step => ['login', email, PASSWORD];

beforeAll(async () => {
  server = await startTestServer();
  imapPort = server.chitbox.imapPort!;
  const { token } = await server.register('ivy@example.test');
  await server.register('mallory@example.test');
  api = server.api(token);
  for (const subject of ['first', 'second', 'third']) await deliver(server.smtpPort, 'ivy@example.test', subject);
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  await server?.stop();
});

async function folderId(kind: string): Promise<number> {
  const res = await api.get('/api/folders');
  return res.body.folders.find((f: { kind: string }) => f.kind === kind).id;
}

describe('IMAP with imaplib', () => {
  it('advertises the contract capabilities and logs in; a wrong password is refused', async () => {
    const [[, caps], ok] = await imaplib(imapPort, [login()]);
    for (const cap of ['IMAP4REV1', 'IDLE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'NAMESPACE', 'ID', 'ENABLE', 'LITERAL+']) {
      expect(caps).toContain(cap);
    }
    expect(ok![0]).toBe('OK');
    const [, bad] = await imaplib(imapPort, [['login', 'ivy@example.test', 'wrong password']]);
    expect(bad).toEqual(['error', expect.stringContaining('AUTHENTICATIONFAILED')]);
  });

  it('lists the six system folders with their special-use attributes', async () => {
    const [, , [typ, lines]] = await imaplib(imapPort, [login(), ['list', '""', '*']]);
    expect(typ).toBe('OK');
    const listed = (lines as Buffer[]).map(text);
    for (const [name, use] of [['INBOX', null], ['Sent', '\\Sent'], ['Drafts', '\\Drafts'], ['Archive', '\\Archive'], ['Junk', '\\Junk'], ['Trash', '\\Trash']]) {
      const line = listed.find((l) => l.endsWith(` "${name}"`) || l.endsWith(` ${name}`));
      expect(line, `${name} in ${listed.join('\n')}`).toBeDefined();
      if (use) expect(line).toContain(use);
    }
  });

  it('SELECT counts equal the API\'s, and UID FETCH gives every UID', async () => {
    const [, , [, exists], [, fetched]] = await imaplib(imapPort, [login(), ['select', 'INBOX'], ['uid', 'FETCH', '1:*', '(FLAGS)']]);
    const inbox = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    expect(Number(text(exists[0]))).toBe(inbox.totalCount);
    expect((fetched as Buffer[]).map(text)).toEqual([
      '1 (FLAGS () UID 1)', '2 (FLAGS () UID 2)', '3 (FLAGS () UID 3)',
    ]);
  });

  it('serves BODY[] byte for byte as /raw: 8-bit text and a 1 MB attachment', async () => {
    const raw = await compose({
      from: 'alice@remote.test', to: 'ivy@example.test', subject: 'bytes',
      text: 'Grüße aus Köln — 8-bit body',
      attachments: [{ filename: 'big.bin', content: randomBytes(1024 * 1024) }],
    });
    const eightBit = Buffer.from(raw.toString('latin1').replace('Content-Transfer-Encoding: quoted-printable', 'Content-Transfer-Encoding: 8bit'), 'latin1');
    await deliverRaw(server.smtpPort, 'ivy@example.test', eightBit);
    const list = await api.get(`/api/folders/${await folderId('inbox')}/messages`);
    const id = list.body.messages.find((m: { subject: string }) => m.subject === 'bytes').id;
    const viaApi = (await api.raw('GET', `/api/messages/${id}/raw`)).bytes;
    const [, , , [typ, data]] = await imaplib(imapPort, [login(), ['select', 'INBOX'], ['uid', 'FETCH', '4', '(BODY.PEEK[])']]);
    expect(typ).toBe('OK');
    const body = data[0][1] as Buffer;
    expect(body.length).toBe(viaApi.length);
    expect(body.equals(viaApi)).toBe(true);
  });

  it('shares flags both ways: \\Seen set over IMAP is isRead in the API; a star from the API is \\Flagged', async () => {
    const id = (await api.get(`/api/folders/${await folderId('inbox')}/messages`)).body.messages.find((m: { subject: string }) => m.subject === 'first').id;
    await imaplib(imapPort, [login(), ['select', 'INBOX'], ['uid', 'STORE', '1', '+FLAGS', '(\\Seen)']]);
    expect((await api.get(`/api/messages/${id}`)).body.message.isRead).toBe(true);
    expect((await api.patch(`/api/messages/${id}`, { isStarred: true })).status).toBe(200);
    const [, , , [, flags]] = await imaplib(imapPort, [login(), ['select', 'INBOX'], ['uid', 'FETCH', '1', '(FLAGS)']]);
    expect(text(flags[0])).toMatch(/FLAGS \(\\Seen \\Flagged\)/);
  });

  it('MOVEs with new UIDs (COPYUID), COPYs within the quota, EXPUNGEs \\Deleted mail', async () => {
    const [, , , move, , copy, , , expunge, [, left]] = await imaplib(imapPort, [
      login(), ['select', 'INBOX'],
      ['uid', 'MOVE', '2', 'Archive'],
      ['select', 'Archive'],
      ['uid', 'COPY', '1', 'INBOX'],
      ['select', 'INBOX'],
      ['uid', 'STORE', '3', '+FLAGS', '(\\Deleted)'],
      ['expunge'],
      ['uid', 'SEARCH', 'ALL'],
    ]);
    expect(move![0]).toBe('OK');
    expect(copy![0]).toBe('OK');
    expect(expunge![0]).toBe('OK');
    expect(text(expunge![1][0])).toBe('2'); // UID 3 was message 2 once UID 2 had moved away
    // INBOX: 1 (first), 4 (bytes), 5 (the copy of second); 2 moved away, 3 expunged.
    expect(text(left[0])).toBe('1 4 5');
    const archive = (await api.get(`/api/folders/${await folderId('archive')}/messages`)).body.messages;
    expect(archive.map((m: { subject: string }) => m.subject)).toEqual(['second']);
    // The copy is in the search index as soon as COPY answers.
    const found = (await api.get('/api/search?q=second')).body.messages;
    expect(found.map((m: { folderId: number }) => m.folderId).sort()).toEqual([await folderId('inbox'), await folderId('archive')].sort());
  });

  it('APPENDs to Sent and Drafts without sending; the draft shows in the API\'s Drafts', async () => {
    const note = await compose({ from: 'ivy@example.test', to: 'bob@remote.test', subject: 'unsent draft', text: 'later' });
    const [, , sent, draft] = await imaplib(imapPort, [
      login(),
      ['append', 'Sent', '(\\Seen)', null, note],
      ['append', 'Drafts', '(\\Draft)', null, note],
    ]);
    expect(sent![0]).toBe('OK');
    expect(text(sent![1][0])).toMatch(/APPENDUID \d+ 1/);
    expect(text(draft![1][0])).toMatch(/APPENDUID \d+ 1/);
    const drafts = (await api.get(`/api/folders/${await folderId('drafts')}/messages`)).body.messages;
    expect(drafts.map((m: { subject: string }) => m.subject)).toEqual(['unsent draft']);
    const raw = (await api.raw('GET', `/api/messages/${drafts[0].id}/raw`)).bytes;
    expect(raw.equals(note)).toBe(true);
    const queued = await server.chitbox.core.admin.queueCounts();
    expect(Object.values(queued).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('refuses an APPEND that does not fit the quota with NO [OVERQUOTA], storing nothing', async () => {
    await server.chitbox.core.admin.createAccount({ email: 'quinn@example.test', password: PASSWORD, quotaMb: 1 });
    const big = await compose({ from: 'quinn@example.test', to: 'bob@remote.test', subject: 'too big', text: 'x'.repeat(1_500_000) });
    const small = await compose({ from: 'quinn@example.test', to: 'bob@remote.test', subject: 'fits', text: 'short' });
    const [, , refused, fits, [, [exists]]] = await imaplib(imapPort, [
      login('quinn@example.test'),
      ['append', 'Drafts', '(\\Draft)', null, big],
      ['append', 'Drafts', '(\\Draft)', null, small],
      ['select', 'Drafts'],
    ]);
    expect(refused![0]).toBe('NO');
    expect(text(refused![1][0])).toMatch(/^\[OVERQUOTA\]/);
    expect(fits![0]).toBe('OK');
    expect(text(exists)).toBe('1');
  });

  it('never shows one user another\'s mailboxes or messages', async () => {
    const [, , [, exists], fetched, [, listed]] = await imaplib(imapPort, [
      login('mallory@example.test'), ['select', 'INBOX'], ['uid', 'FETCH', '1:*', '(BODY.PEEK[])'], ['list', '""', '*'],
    ]);
    expect(text(exists[0])).toBe('0');
    expect(fetched![0]).toBe('OK');
    expect(fetched![1]).toEqual([null]);
    expect((listed as Buffer[]).length).toBe(6);
  });

  it('answers FETCH of flags, sizes and dates with the sequence numbers the session knows, for sparse UID sets too', async () => {
    // INBOX now holds UIDs 1, 4 and 5 (the MOVE and EXPUNGE above).
    const [, , , [, sparse], [, bySeq]] = await imaplib(imapPort, [
      login(), ['select', 'INBOX'], ['uid', 'FETCH', '1,5', '(FLAGS RFC822.SIZE)'], ['fetch', '2:3', '(UID INTERNALDATE)'],
    ]);
    expect((sparse as Buffer[]).map(text)).toEqual([
      expect.stringMatching(/^1 \(FLAGS \(\\Seen \\Flagged\) RFC822\.SIZE \d+ UID 1\)$/),
      expect.stringMatching(/^3 \(FLAGS \(\) RFC822\.SIZE \d+ UID 5\)$/),
    ]);
    expect((bySeq as Buffer[]).map(text)).toEqual([
      expect.stringMatching(/^2 \(UID 4 INTERNALDATE "\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} \+0000"\)$/),
      expect.stringMatching(/^3 \(UID 5 INTERNALDATE "/),
    ]);
  });
});
