// Issue 4: mail clients submit over SMTP AUTH (PLAIN and LOGIN, with and
// without STARTTLS); the recipient gets it in Inbox, live, and the sender in
// Sent. Identity, brute force and relay refusals with their exact codes.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { nextEvent, PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { authPlain, listFolder, makeDevCert, plainAuth, swaks } from './sending-helpers.js';
import { waitFor } from './relay-sink.js';

let server: TestServer;
let alice: { token: string; user: { id: number; email: string } };
let bob: { token: string; user: { id: number; email: string } };
let certDir: string;
let certPaths: { cert: string; key: string };
const clients: SmtpLineClient[] = [];

beforeAll(async () => {
  certDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-cert-'));
  certPaths = await makeDevCert(certDir);
  server = await startTestServer({ SMTP_TLS_CERT: certPaths.cert, SMTP_TLS_KEY: certPaths.key });
  alice = await server.register('alice@example.test');
  bob = await server.register('bob@example.test');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
  await fs.rm(certDir, { recursive: true, force: true });
});

async function connect(): Promise<SmtpLineClient> {
  const c = await SmtpLineClient.connect(server.smtpPort);
  clients.push(c);
  return c;
}

const swaksBase = () => ['--server', '127.0.0.1', '--port', String(server.smtpPort), '--helo', 'client.test'];

describe('SMTP AUTH submission with swaks', () => {
  for (const auth of ['PLAIN', 'LOGIN'] as const) {
    for (const useTls of [false, true]) {
      const label = `${auth}${useTls ? ' over STARTTLS' : ''}`;
      it(`--auth ${label}: Inbox for the recipient (live), Sent for the sender (live)`, async () => {
        const subject = `swaks ${label} ${Date.now()}`;
        const bobSocket = await server.socket(bob.token);
        const aliceSocket = await server.socket(alice.token);
        const bobEvent = nextEvent(bobSocket, 'new_email', 60_000);
        const aliceEvent = nextEvent(aliceSocket, 'new_email', 60_000);
        const run = await swaks([
          ...swaksBase(),
          '--auth', auth, '--auth-user', 'alice@example.test', '--auth-password', PASSWORD,
          ...(useTls ? ['--tls'] : []),
          '--from', 'alice@example.test', '--to', 'bob@example.test',
          '--header', `Subject: ${subject}`, '--body', `hello over ${label}`,
        ]);
        expect(run.code, run.output).toBe(0);
        // swaks marks lines read over TLS with <~ and cleartext ones with <-
        expect(run.output).toMatch(useTls ? /<~ +235 / : /<- +235 /);

        const received = await bobEvent;
        expect(received.email.subject).toBe(subject);
        const sentEvent = await aliceEvent;
        expect(sentEvent.email.subject).toBe(subject);

        const inbox = await listFolder(server.api(bob.token), 'inbox');
        expect(inbox.some((m) => m.subject === subject && m.fromEmail === 'alice@example.test')).toBe(true);
        const sent = await listFolder(server.api(alice.token), 'sent');
        const copy = sent.find((m) => m.subject === subject);
        expect(copy).toBeDefined();
        expect(copy.isRead).toBe(true);
        expect(sentEvent.folderId).toBe(copy.folderId);
        // Local recipients never pass through the outbound queue.
        expect(await server.chitbox.store.outbound.list()).toEqual([]);
      });
    }
  }

  it('offers STARTTLS when a certificate is configured, and the received trace says ESMTPSA', async () => {
    const c = await connect();
    await c.reply();
    expect(await c.command('EHLO client.test')).toMatch(/STARTTLS/);
    c.destroy();
    const sent = await listFolder(server.api(alice.token), 'sent');
    const tlsCopy = sent.find((m) => m.subject.startsWith('swaks PLAIN over STARTTLS'));
    const raw = await server.api(alice.token).raw('GET', `/api/messages/${tlsCopy.id}/raw`);
    expect(raw.bytes.toString('latin1')).toMatch(/with ESMTPSA /);
  });

  it('keeps the Sent copy byte for byte as submitted', async () => {
    const body = 'Subject: exact bytes\r\nFrom: alice@example.test\r\nTo: bob@example.test\r\n\r\nline one\r\n..dot line\r\n';
    const c = await connect();
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(`${body}.\r\n`);
    expect(await c.reply()).toMatch(/^250 /);
    const sent = await listFolder(server.api(alice.token), 'sent');
    const copy = sent.find((m) => m.subject === 'exact bytes');
    const raw = (await server.api(alice.token).raw('GET', `/api/messages/${copy.id}/raw`)).bytes.toString('latin1');
    // /raw = one Received: header + the DATA bytes after dot-unstuffing
    expect(raw.slice(raw.indexOf('Subject:'))).toBe(body.replace('..dot', '.dot'));
  });
});

describe('AUTH failures', () => {
  it('answers unknown user and wrong password alike, then 421 4.7.0 and a close on the third failure', async () => {
    const c = await connect();
    await c.reply();
    await c.command('EHLO client.test');
    const unknown = await c.command(`AUTH PLAIN ${plainAuth('nobody@example.test', PASSWORD)}`);
    const wrong = await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', 'wrong password here')}`);
    expect(unknown).toMatch(/^535 5\.7\.8 /);
    expect(wrong).toBe(unknown);
    expect(await c.command('AUTH LOGIN')).toMatch(/^334 /);
    expect(await c.command(Buffer.from('alice@example.test').toString('base64'))).toMatch(/^334 /);
    expect(await c.command(Buffer.from('still wrong').toString('base64'))).toMatch(/^421 4\.7\.0 /);
    expect(await c.reply()).toBe('<closed>');
  });

  it('LOGIN gives the same 535 5.7.8 as PLAIN, and a fresh connection may log in', async () => {
    const c = await connect();
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command('AUTH LOGIN')).toMatch(/^334 /);
    expect(await c.command(Buffer.from('nobody@example.test').toString('base64'))).toMatch(/^334 /);
    expect(await c.command(Buffer.from(PASSWORD).toString('base64'))).toMatch(/^535 5\.7\.8 Authentication credentials invalid$/);
    expect(await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', PASSWORD)}`)).toMatch(/^235 /);
  });
});

describe('AUTH inside a mail transaction', () => {
  it('is refused with 503 5.5.1 (RFC 4954 4), and the unauthenticated envelope stays as it was', async () => {
    const c = await connect();
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command('MAIL FROM:<someone@elsewhere.test>')).toMatch(/^250 /);
    expect(await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', PASSWORD)}`)).toMatch(/^503 5\.5\.1 /);
    // Still unauthenticated: relaying stays refused.
    expect(await c.command('RCPT TO:<friend@ext.test>')).toMatch(/^550 5\.7\.1 /);
    // After RSET the same credentials work.
    expect(await c.command('RSET')).toMatch(/^250 /);
    expect(await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', PASSWORD)}`)).toMatch(/^235 /);
  });
});

describe('identity', () => {
  it('refuses MAIL FROM of another address with 553 5.7.1', async () => {
    const c = await connect();
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<bob@example.test>')).toMatch(/^553 5\.7\.1 /);
    expect(await c.command('MAIL FROM:<>')).toMatch(/^553 5\.7\.1 /);
    expect(await c.command('MAIL FROM:<ALICE@Example.Test>')).toMatch(/^250 /);
  });

  it('refuses a From: header of another address with 553 5.7.1 at DATA, storing nothing', async () => {
    const c = await connect();
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write('From: Bob <bob@example.test>\r\nSubject: forged\r\n\r\nhi\r\n.\r\n');
    expect(await c.reply()).toMatch(/^553 5\.7\.1 /);
    const inbox = await listFolder(server.api(bob.token), 'inbox');
    expect(inbox.some((m) => m.subject === 'forged')).toBe(false);
  });
});

describe('relaying', () => {
  const tricks = [
    'u%ext.test@example.test',
    '"u@ext.test"@example.test',
    '@example.test:u@ext.test',
    'u@ext.test@example.test',
    'u@[127.0.0.1]',
    'u@ext.test.',
    'bob@example.test.',
    'u@ext.test',
  ];

  it.each(tricks)('refuses unauthenticated RCPT <%s> with 550 5.7.1', async (rcpt) => {
    const c = await connect();
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command('MAIL FROM:<someone@remote.test>')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${rcpt}>`)).toMatch(/^550 5\.7\.1 /);
  });

  it.each(tricks)('refuses authenticated RCPT <%s> too (no relay configured)', async (rcpt) => {
    const c = await connect();
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${rcpt}>`)).toMatch(/^550 5\.7\.1 /);
  });

  it('tells an authenticated user that relaying is not configured', async () => {
    const c = await connect();
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<friend@ext.test>')).toMatch(/^550 5\.7\.1 .*relaying is not configured/i);
    expect(await c.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
  });
});

describe('certificate reload', () => {
  it('serves a replaced certificate without a restart', async () => {
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const c = SmtpLineClient.connect(server.smtpPort).then(async (line) => {
          await line.reply();
          await line.command('EHLO client.test');
          expect(await line.command('STARTTLS')).toMatch(/^220 /);
          const socket = (line as unknown as { socket: import('node:net').Socket }).socket;
          socket.removeAllListeners('data');
          const secure = tls.connect({ socket, rejectUnauthorized: false, servername: 'localhost' }, () => {
            resolve(secure.getPeerCertificate().fingerprint256);
            secure.destroy();
          });
          secure.on('error', reject);
        });
        c.catch(reject);
      });
    const before = await fingerprint();
    const oldCert = await fs.readFile(certPaths.cert);
    await makeDevCert(certDir); // same paths, new pair
    expect(await fs.readFile(certPaths.cert)).not.toEqual(oldCert);
    let after = before;
    await waitFor(async () => (after = await fingerprint()) !== before, 'the new certificate', 60_000);
    expect(after).not.toBe(before);
  });
});
