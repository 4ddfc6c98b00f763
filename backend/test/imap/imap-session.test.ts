// The IMAP session's rules, over raw TCP: SMTP AUTH's (cleartext only over
// TLS or from loopback, the third failure ends the connection, disabled
// accounts refused), STARTTLS with SMTP's certificate and its reload,
// LITERAL+ (RFC 7888), and APPEND's line ends made CRLF. Then UIDVALIDITY
// and UIDs across a restart of the real entry point.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnChitbox } from '../support/child-server.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { makeDevCert } from '../sending/sending-helpers.js';
import { waitFor } from '../sending/relay-sink.js';
import { deliver, ImapLineClient, imaplib, text } from './imap-harness.js';

let server: TestServer;
let imapPort: number;
let certDir: string;
let certPaths: { cert: string; key: string };
const clients: ImapLineClient[] = [];

beforeAll(async () => {
  certDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-imap-cert-'));
  certPaths = await makeDevCert(certDir);
  server = await startTestServer({ SMTP_TLS_CERT: certPaths.cert, SMTP_TLS_KEY: certPaths.key });
  imapPort = server.chitbox.imapPort!;
  await server.register('hal@example.test');
  await server.register('off@example.test');
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  await fs.rm(certDir, { recursive: true, force: true });
});

async function connect(localAddress?: string): Promise<ImapLineClient> {
  const c = await ImapLineClient.connect(imapPort, localAddress);
  clients.push(c);
  return c;
}

describe('IMAP sessions', () => {
  it('refuses a cleartext LOGIN from a non-loopback client until STARTTLS', async () => {
    const c = await connect('127.0.0.2');
    expect((await c.command('CAPABILITY')).join('\n')).toMatch(/STARTTLS/);
    expect((await c.command(`LOGIN hal@example.test "${PASSWORD}"`)).at(-1)).toMatch(/^t\d+ NO \[PRIVACYREQUIRED\]/);
    await c.starttls();
    expect((await c.command(`LOGIN hal@example.test "${PASSWORD}"`)).at(-1)).toMatch(/^t\d+ OK/);
  });

  it('ends the connection at the third failed login, and refuses a disabled account with the right password', async () => {
    const c = await connect();
    expect((await c.command('LOGIN hal@example.test "wrong 1"')).at(-1)).toMatch(/^t\d+ NO \[AUTHENTICATIONFAILED\]/);
    expect((await c.command('LOGIN hal@example.test "wrong 2"')).at(-1)).toMatch(/^t\d+ NO \[AUTHENTICATIONFAILED\]/);
    expect((await c.command('LOGIN hal@example.test "wrong 3"')).at(-1)).toMatch(/^t\d+ NO /);
    await waitFor(() => c.closed, 'the connection to close');

    const off = (await server.chitbox.store.users.findByEmail('off@example.test'))!;
    await server.chitbox.store.accounts.update(off.id, { enabled: false });
    const d = await connect();
    expect((await d.command(`LOGIN off@example.test "${PASSWORD}"`)).at(-1)).toMatch(/^t\d+ NO \[AUTHENTICATIONFAILED\]/);
  });

  it('serves a renewed certificate on STARTTLS without a restart', async () => {
    const before = await (await connect()).starttls();
    await makeDevCert(certDir); // same paths, new pair
    let after = before;
    await waitFor(async () => (after = await (await connect()).starttls()) !== before, 'the new certificate', 15_000);
    expect(after).not.toBe(before);
  });

  it('takes LITERAL+ literals without a continuation, for LOGIN and APPEND', async () => {
    const c = await connect();
    const user = 'hal@example.test';
    const from = c.lines.length;
    c.write(`a1 LOGIN {${user.length}+}\r\n${user} {${PASSWORD.length}+}\r\n${PASSWORD}\r\n`);
    expect(await c.waitFor((l) => l.startsWith('a1 '), from)).toMatch(/^a1 OK/);
    const message = 'Subject: literal plus\r\n\r\n{5+}\r\nnot a literal\r\n';
    c.write(`a2 APPEND Drafts {${Buffer.byteLength(message)}+}\r\n${message}\r\n`);
    expect(await c.waitFor((l) => l.startsWith('a2 '), from)).toMatch(/^a2 OK \[APPENDUID \d+ \d+\]/);
    expect(c.lines.slice(from).some((l) => l.startsWith('+'))).toBe(false);
    const fetched = await c.command('EXAMINE Drafts');
    expect(fetched.join('\n')).toMatch(/\* 1 EXISTS/);
    const body = await c.command('FETCH 1 BODY.PEEK[]');
    expect(body.join('\r\n')).toContain('{5+}\r\nnot a literal');
  });

  it('stores an APPENDed message with bare LF line ends as CRLF, and its size is what FETCH then serves', async () => {
    const c = await connect();
    expect((await c.command(`LOGIN hal@example.test "${PASSWORD}"`)).at(-1)).toMatch(/^t\d+ OK/);
    const sent = 'Subject: bare line ends\nX-Note: from a Unix client\n\nline one\nline two\r\nline three\n';
    const stored = 'Subject: bare line ends\r\nX-Note: from a Unix client\r\n\r\nline one\r\nline two\r\nline three\r\n';
    const from = c.lines.length;
    c.write(`a3 APPEND Archive {${Buffer.byteLength(sent)}+}\r\n${sent}\r\n`);
    expect(await c.waitFor((l) => l.startsWith('a3 '), from)).toMatch(/^a3 OK \[APPENDUID \d+ \d+\]/);
    await c.command('EXAMINE Archive');
    const fetched = (await c.command('FETCH 1 (RFC822.SIZE BODY.PEEK[])')).join('\r\n');
    expect(fetched).toContain(`RFC822.SIZE ${Buffer.byteLength(stored)}`);
    expect(fetched).toContain(`{${Buffer.byteLength(stored)}}\r\n${stored}`);
  });
});

describe('UIDs across a restart', () => {
  it('keeps UIDVALIDITY and every UID when the server restarts on the same data', { timeout: 180_000 }, async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-imap-restart-'));
    const read = async (port: number) => {
      const [, , [, exists], [, validity], [, uids]] = await imaplib(port, [
        ['login', 'rex@example.test', PASSWORD], ['select', 'INBOX'], ['response', 'UIDVALIDITY'], ['uid', 'SEARCH', 'ALL'],
      ]);
      return { exists: text(exists[0]), validity: text(validity[0]), uids: text(uids[0]) };
    };
    try {
      const first = await spawnChitbox({ DATA_DIR: dataDir }, 150_000);
      const res = await fetch(`http://127.0.0.1:${first.api}/api/auth/register`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rex@example.test', password: PASSWORD }),
      });
      expect(res.status).toBe(201);
      for (const subject of ['one', 'two', 'three']) await deliver(first.smtp, 'rex@example.test', subject);
      const [, , moved] = await imaplib(first.imap!, [['login', 'rex@example.test', PASSWORD], ['select', 'INBOX'], ['uid', 'MOVE', '2', 'Archive']]);
      expect(moved[0]).toBe('OK');
      const before = await read(first.imap!);
      expect(before).toMatchObject({ exists: '2', uids: '1 3' });
      expect(await first.stop()).toBe(0);

      const second = await spawnChitbox({ DATA_DIR: dataDir }, 150_000);
      expect(await read(second.imap!)).toEqual(before);
      await deliver(second.smtp, 'rex@example.test', 'four');
      expect((await read(second.imap!)).uids).toBe('1 3 4');
      expect(await second.stop()).toBe(0);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
