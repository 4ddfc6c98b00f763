// Spam and viruses end to end: a real ChitBox with real spamd and clamd, mail
// over real SMTP, the results read back over the API, the socket, /metrics,
// /health, the admin stats and a webhook receiver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '../ops/ops-helpers.js';
import { storedBlobs } from '../support/blob-census.js';
import { compose, stripFirstReceived } from '../support/mail-helpers.js';
import { EICAR, GTUBE, daemonsMissing, startClamd, startSpamd, type ScannerDaemon } from '../support/scanner-daemons.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { collectEvents, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { zipOf } from '../support/zip-writer.js';

const missing = daemonsMissing();

/** One SMTP session reused for several transactions (smtp-server delays each greeting). */
class SmtpSession {
  private constructor(private readonly client: SmtpLineClient) {}

  static async open(port: number): Promise<SmtpSession> {
    const client = await SmtpLineClient.connect(port);
    await client.reply();
    await client.command('EHLO client.test');
    return new SmtpSession(client);
  }

  /** One transaction; the reply to the end of DATA. */
  async send(from: string, to: string[], raw: Buffer): Promise<string> {
    await this.client.command('RSET');
    expect(await this.client.command(`MAIL FROM:<${from}>`)).toMatch(/^250 /);
    for (const rcpt of to) expect(await this.client.command(`RCPT TO:<${rcpt}>`)).toMatch(/^250 /);
    expect(await this.client.command('DATA')).toMatch(/^354 /);
    // RFC 5321 4.5.2: a line starting with "." gets another.
    this.client.write(Buffer.concat([Buffer.from(raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1'), Buffer.from('.\r\n')]));
    return this.client.reply(120_000);
  }

  close(): void {
    this.client.destroy();
  }
}

class WebhookReceiver {
  readonly got: Array<{ event: string; data: Record<string, any> }> = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const message = (subject: string, text: string, attachments: Array<{ filename: string; content: Buffer; contentType: string }> = []) =>
  compose({ from: 'Mallory <mallory@remote.test>', to: 'alice@example.test', subject, text, attachments, date: new Date('2026-02-01T09:00:00Z') });

async function folderIds(api: ApiClient): Promise<Record<string, { id: number; totalCount: number }>> {
  const res = await api.get('/api/folders');
  return Object.fromEntries(res.body.folders.map((f: { kind: string }) => [f.kind, f]));
}

async function metrics(server: TestServer): Promise<string> {
  return (await server.api().get('/metrics')).bytes.toString('utf8');
}

async function scannerEnv(spamd: ScannerDaemon | null, clamd: ScannerDaemon | null): Promise<Record<string, string>> {
  return {
    ...(spamd ? { SMTP_ENABLE_SPAMASSASSIN: 'true', SMTP_SPAMASSASSIN_HOST: spamd.host, SMTP_SPAMASSASSIN_PORT: String(spamd.port) } : {}),
    ...(clamd ? { SMTP_ENABLE_CLAMAV: 'true', SMTP_CLAMAV_HOST: clamd.host, SMTP_CLAMAV_PORT: String(clamd.port) } : {}),
  };
}

describe.skipIf(missing)('delivery with spamd and clamd', () => {
  let spamd: ScannerDaemon;
  let clamd: ScannerDaemon;
  let server: TestServer;
  let receiver: WebhookReceiver;
  let smtp: SmtpSession;
  let alice: { token: string; api: ApiClient };
  let bob: { token: string; api: ApiClient };

  beforeAll(async () => {
    [spamd, clamd] = await Promise.all([startSpamd(), startClamd()]);
    receiver = new WebhookReceiver();
    server = await startTestServer({
      ...(await scannerEnv(spamd, clamd)),
      SPAMASSASSIN_LEARN: 'true',
      WEBHOOK_URL: await receiver.start(),
      WEBHOOK_POLL_MS: '100',
      ADMIN_EMAILS: 'alice@example.test',
    });
    for (const [name, who] of [['alice', 'alice@example.test'], ['bob', 'bob@example.test']] as const) {
      const { token } = await server.register(who);
      const entry = { token, api: server.api(token) };
      if (name === 'alice') alice = entry;
      else bob = entry;
    }
    smtp = await SmtpSession.open(server.smtpPort);
  }, 200_000);

  afterAll(async () => {
    smtp?.close();
    await server?.stop();
    await receiver?.stop();
    await Promise.all([spamd?.stop(), clamd?.stop()]);
  });

  let spamIdOfAlice = 0;

  it('stores GTUBE in each recipient\'s Spam folder with the X-Spam fields on top, and says so everywhere', async () => {
    const socket = await server.socket(alice.token);
    const events = collectEvents(socket, 'new_email');
    const raw = await message('You have won', `Claim your prize now.\r\n${GTUBE}\r\n`);
    const reply = await smtp.send('mallory@remote.test', ['alice@example.test', 'bob@example.test'], raw);
    expect(reply).toMatch(/^250 /);

    const [aliceFolders, bobFolders] = await Promise.all([folderIds(alice.api), folderIds(bob.api)]);
    for (const [who, folders] of [[alice, aliceFolders], [bob, bobFolders]] as const) {
      expect(folders.spam!.totalCount).toBe(1);
      expect(folders.inbox!.totalCount).toBe(0);
      const list = await who.api.get(`/api/folders/${folders.spam!.id}/messages`);
      const [stored] = list.body.messages;
      expect(stored.subject).toBe('You have won');
      const bytes = stripFirstReceived((await who.api.raw('GET', `/api/messages/${stored.id}/raw`)).bytes);
      const head = bytes.toString('latin1');
      expect(head).toMatch(/^X-Spam-Flag: YES\r\nX-Spam-Score: \d+\.\d\r\nX-Spam-Status: Yes, score=\d+\.\d required=\d+\.\d\s+tests=\S*GTUBE/);
      // After our three fields: the bytes exactly as sent.
      const fieldsEnd = head.search(/\r\n(?![ \t])(?!X-Spam-)/) + 2;
      expect(bytes.subarray(fieldsEnd).equals(raw)).toBe(true);
      if (who === alice) spamIdOfAlice = stored.id;
    }
    await waitFor(() => events.length > 0, 60_000, 'new_email');
    expect(events).toHaveLength(1);
    expect(events[0].folderId).toBe(aliceFolders.spam!.id);
    expect(events[0].email.folderId).toBe(aliceFolders.spam!.id);

    expect(metricValue(await metrics(server), 'smtp_spam_detected_total', { action: 'spam_folder' })).toBe(1);
    const hook = await waitFor(() => receiver.got.find((h) => h.event === 'spam.detected'), 60_000, 'spam.detected webhook');
    expect(hook.data).toMatchObject({ action: 'spam_folder', from: 'mallory@remote.test', recipients: ['alice@example.test', 'bob@example.test'] });
    expect(hook.data.message_ids).toHaveLength(2);
    expect(hook.data.tests).toContain('GTUBE');
    expect(hook.data.score).toBeGreaterThanOrEqual(hook.data.required);
  });

  it('stores clean mail in the Inbox with its bytes untouched', async () => {
    const raw = await message('Lunch on Thursday', 'Shall we meet at noon?\r\n');
    expect(await smtp.send('carol@remote.test', ['alice@example.test'], raw)).toMatch(/^250 /);
    const folders = await folderIds(alice.api);
    expect(folders.inbox!.totalCount).toBe(1);
    const [stored] = (await alice.api.get(`/api/folders/${folders.inbox!.id}/messages`)).body.messages;
    expect(stripFirstReceived((await alice.api.raw('GET', `/api/messages/${stored.id}/raw`)).bytes).equals(raw)).toBe(true);
  });

  it('refuses EICAR (base64 attached, and zipped) with 554 5.7.1 and stores nothing, no blob either', async () => {
    const before = await storedBlobs(server.dataDir);
    const foldersBefore = await folderIds(alice.api);
    const attached = await message('Invoice', 'Please see the attachment.\r\n', [
      { filename: 'invoice.com', content: EICAR, contentType: 'application/octet-stream' },
    ]);
    const zipped = await message('Invoice (zip)', 'Zipped.\r\n', [
      { filename: 'invoice.zip', content: zipOf('invoice.com', EICAR), contentType: 'application/zip' },
    ]);
    for (const raw of [attached, zipped]) {
      const reply = await smtp.send('mallory@remote.test', ['alice@example.test', 'bob@example.test'], raw);
      expect(reply).toMatch(/^554 5\.7\.1 .*virus \(Eicar-Test-Signature/);
    }
    expect(await storedBlobs(server.dataDir)).toEqual(before);
    const foldersAfter = await folderIds(alice.api);
    for (const kind of Object.keys(foldersBefore)) expect(foldersAfter[kind]!.totalCount).toBe(foldersBefore[kind]!.totalCount);
    expect(metricValue(await metrics(server), 'smtp_virus_detected_total')).toBe(2);
    const hook = await waitFor(() => receiver.got.find((h) => h.event === 'virus.detected'), 60_000, 'virus.detected webhook');
    expect(hook.data).toMatchObject({ action: 'rejected', from: 'mallory@remote.test', virus: expect.stringMatching(/^Eicar-Test-Signature/) });
  });

  it('counts scans and detections in the admin stats', async () => {
    const stats = await alice.api.get('/api/admin/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.spam).toMatchObject({ enabled: true, detected: 1, rejected: 0 });
    expect(stats.body.virus).toMatchObject({ enabled: true, detected: 2 });
    // GTUBE and the clean one reached spamd (a virus calls the spam check off); all four reached clamd.
    expect(stats.body.spam.scanned).toBe(2);
    expect(stats.body.virus.scanned).toBe(4);
    expect(stats.body.spam.rate).toBe(0.5);
    expect(stats.body.virus.rate).toBe(0.5);
    const health = await server.api().get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'healthy', scanners: { spamassassin: 'up', clamav: 'up' } });
  });

  it('tells spamd "ham" when a message leaves Spam, "spam" when one goes in, nothing when spam goes to Trash', async () => {
    const folders = await folderIds(alice.api);
    const learned = async (cls: string, result: string) => {
      try {
        return metricValue(await metrics(server), 'chitbox_spam_learned_total', { class: cls, result });
      } catch {
        return 0;
      }
    };
    expect((await alice.api.patch(`/api/messages/${spamIdOfAlice}`, { folderId: folders.inbox!.id })).status).toBe(200);
    await waitFor(async () => (await learned('ham', 'learned')) === 1, 30_000, 'ham learned');
    await spamd.waitForLog(/Tell: Setting local/);

    expect((await alice.api.patch(`/api/messages/${spamIdOfAlice}`, { folderId: folders.spam!.id })).status).toBe(200);
    await waitFor(async () => (await learned('spam', 'learned')) === 1, 30_000, 'spam learned');

    expect((await alice.api.patch(`/api/messages/${spamIdOfAlice}`, { folderId: folders.trash!.id })).status).toBe(200);
    // The next move is learned, so the Trash move before it has been looked at (one lesson at a time) and taught nothing.
    expect((await alice.api.patch(`/api/messages/${spamIdOfAlice}`, { folderId: folders.spam!.id })).status).toBe(200);
    await waitFor(async () => (await learned('spam', 'unchanged')) === 1, 30_000, 'second spam lesson');
    expect(await learned('ham', 'learned')).toBe(1);
    expect(await learned('ham', 'unchanged')).toBe(0);
  });

  // Big messages' bytes go to the store's writing thread by move, not copy, and
  // to the parser as a copy: the scanners must still have read every byte, and
  // the bytes stored must be the screened ones.
  it('scans big mail whole and stores it byte for byte: spam with its X-Spam fields, clean mail untouched', async () => {
    const filler = Array.from({ length: 4500 }, (_, i) => `Line ${i} of a long letter, written out in full to make it big.`).join('\r\n');
    // GTUBE first: SpamAssassin reads only the start of a long body part (body_part_scan_size).
    const spamRaw = await message('A big prize', `${GTUBE}\r\n${filler}\r\n`);
    const cleanRaw = await message('A big letter', `${filler}\r\n`);
    for (const raw of [spamRaw, cleanRaw]) {
      expect(raw.length).toBeGreaterThan(256 * 1024); // moved to the writer at commit
      expect(raw.length).toBeLessThan(512_000); // still sent to spamd (SPAMASSASSIN_MAX_BYTES)
    }
    const before = await folderIds(bob.api);
    expect(await smtp.send('mallory@remote.test', ['bob@example.test'], spamRaw)).toMatch(/^250 /);
    expect(await smtp.send('carol@remote.test', ['bob@example.test'], cleanRaw)).toMatch(/^250 /);
    const after = await folderIds(bob.api);
    expect(after.spam!.totalCount).toBe(before.spam!.totalCount + 1);
    expect(after.inbox!.totalCount).toBe(before.inbox!.totalCount + 1);

    const [spam] = (await bob.api.get(`/api/folders/${after.spam!.id}/messages`)).body.messages;
    expect(spam.subject).toBe('A big prize');
    const served = (await bob.api.raw('GET', `/api/messages/${spam.id}/raw`)).bytes;
    const spamBytes = stripFirstReceived(served);
    const head = spamBytes.toString('latin1');
    expect(head).toMatch(/^X-Spam-Flag: YES\r\nX-Spam-Score: \d+\.\d\r\nX-Spam-Status: Yes, /);
    expect(spamBytes.subarray(head.search(/\r\n(?![ \t])(?!X-Spam-)/) + 2).equals(spamRaw)).toBe(true);
    // The size counted (quota, API) is that of the bytes stored: Received:, the X-Spam fields and the message.
    expect((await bob.api.get(`/api/messages/${spam.id}`)).body.message.sizeBytes).toBe(served.length);

    const [clean] = (await bob.api.get(`/api/folders/${after.inbox!.id}/messages`)).body.messages;
    expect(clean.subject).toBe('A big letter');
    expect(stripFirstReceived((await bob.api.raw('GET', `/api/messages/${clean.id}/raw`)).bytes).equals(cleanRaw)).toBe(true);
  });
});

describe.skipIf(missing)('SPAM_REJECT_SCORE, and a scanner that is down', () => {
  let spamd: ScannerDaemon;
  let clamd: ScannerDaemon;
  let server: TestServer;
  let smtp: SmtpSession;

  beforeAll(async () => {
    [spamd, clamd] = await Promise.all([startSpamd(), startClamd()]);
    server = await startTestServer({ ...(await scannerEnv(spamd, clamd)), SPAM_REJECT_SCORE: '100' });
    await server.register('alice@example.test');
    smtp = await SmtpSession.open(server.smtpPort);
  }, 200_000);

  afterAll(async () => {
    smtp?.close();
    await server?.stop();
    await Promise.all([spamd?.stop(), clamd?.stop()]);
  });

  it('refuses spam at or over the reject score with 550 5.7.1 and stores nothing', async () => {
    const before = await storedBlobs(server.dataDir);
    const reply = await smtp.send('mallory@remote.test', ['alice@example.test'], await message('Prize', `${GTUBE}\r\n`));
    expect(reply).toMatch(/^550 5\.7\.1 /);
    expect(await storedBlobs(server.dataDir)).toEqual(before);
    expect(metricValue(await metrics(server), 'smtp_spam_detected_total', { action: 'rejected' })).toBe(1);
    // Clean mail still goes through.
    expect(await smtp.send('carol@remote.test', ['alice@example.test'], await message('Hi', 'Hello\r\n'))).toMatch(/^250 /);
  });

  it('defers mail with 451 4.3.0 while clamd is down, and /health names it', async () => {
    await clamd.stop();
    const before = await storedBlobs(server.dataDir);
    const reply = await smtp.send('carol@remote.test', ['alice@example.test'], await message('Hi again', 'Hello\r\n'));
    expect(reply).toMatch(/^451 4\.3\.0 /);
    expect(await storedBlobs(server.dataDir)).toEqual(before);
    expect(metricValue(await metrics(server), 'chitbox_scanner_failures_total', { scanner: 'clamav', reason: 'connect' })).toBe(1);
    const health = await server.api().get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', problems: ['clamav'], scanners: { spamassassin: 'up', clamav: 'down' } });
  });
});
