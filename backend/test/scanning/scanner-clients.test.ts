// The SPAMC and INSTREAM clients against real spamd and clamd
// (support/scanner-daemons.ts), and how each fails: a daemon that is gone,
// one that never answers, a caller that gives up.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdClient } from '../../src/scanning/clamd-client.js';
import { DaemonScanner } from '../../src/scanning/daemon-scanner.js';
import { scannerFailureOf } from '../../src/scanning/scanner-failure.js';
import { SpamdClient } from '../../src/scanning/spamd-client.js';
import { compose } from '../support/mail-helpers.js';
import { EICAR, GTUBE, daemonsMissing, startClamd, startSpamd, type ScannerDaemon } from '../support/scanner-daemons.js';
import { zipOf } from '../support/zip-writer.js';

const missing = daemonsMissing();

const message = (subject: string, text: string, attachments: Array<{ filename: string; content: Buffer; contentType: string }> = []) =>
  compose({ from: 'Ann <ann@example.net>', to: 'bob@example.test', subject, text, attachments, date: new Date('2026-01-05T10:00:00Z') });

/** The failure details a promise rejects with (it must reject with a scanner failure). */
async function failureOf(p: Promise<unknown>) {
  const err = await p.then(() => null, (e: unknown) => e);
  const details = scannerFailureOf(err);
  if (!details) throw new Error(`expected a scanner failure, got ${String(err)}`);
  expect(err).toMatchObject({ kind: 'tempFail', code: 'scanner_unavailable' });
  return details;
}

describe.skipIf(missing)('scanner clients against real daemons', () => {
  let spamd: ScannerDaemon;
  let clamd: ScannerDaemon;
  let spamc: SpamdClient;
  let clam: ClamdClient;

  beforeAll(async () => {
    [spamd, clamd] = await Promise.all([startSpamd(), startClamd()]);
    console.info(`scanner daemons ready: spamd ${spamd.startupMs.toFixed(0)} ms, clamd ${clamd.startupMs.toFixed(0)} ms`);
    spamc = new SpamdClient({ host: spamd.host, port: spamd.port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
    clam = new ClamdClient({ host: clamd.host, port: clamd.port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
  }, 200_000);

  afterAll(async () => {
    await Promise.all([spamd?.stop(), clamd?.stop()]);
  });

  describe('spamd', () => {
    it('calls GTUBE spam with a score at or over the required one, and names the rule', async () => {
      const verdict = await spamc.check(await message('Cheap offer', `Buy now\r\n${GTUBE}\r\n`));
      expect(verdict.isSpam).toBe(true);
      expect(verdict.score).toBeGreaterThanOrEqual(verdict.required);
      expect(verdict.tests).toContain('GTUBE');
      expect(verdict.status).toMatch(/^Yes, score=\d+\.\d required=\d+\.\d tests=\S*GTUBE/);
      expect(verdict.status).not.toMatch(/[\r\n\t]/);
      expect(Number(verdict.scoreText)).toBe(verdict.score);
    });

    it('calls an ordinary message not spam', async () => {
      const verdict = await spamc.check(await message('Lunch', 'Shall we meet at noon on Thursday?\r\n'));
      expect(verdict.isSpam).toBe(false);
      expect(verdict.score).toBeLessThan(verdict.required);
      expect(verdict.status).toMatch(/^No, score=-?\d+\.\d required=/);
      expect(verdict.tests).not.toContain('GTUBE');
    });

    it('sends 8-bit bytes unchanged (Content-length counts bytes)', async () => {
      const raw = Buffer.concat([await message('Grüße', 'Grüße aus Köln\r\n'), Buffer.from([0xe9, 0x0d, 0x0a])]);
      const verdict = await spamc.check(raw);
      expect(verdict.isSpam).toBe(false);
    });

    it('learns through TELL and says what it changed', async () => {
      const raw = await message('Quarterly numbers', `Here are the numbers for the quarter, ${Date.now()}.\r\n`);
      expect(await spamc.learn(raw, 'ham')).toEqual({ learned: true, didSet: ['local'], didRemove: [] });
      // Told twice, Bayes already knows it: spamd changes nothing.
      expect(await spamc.learn(raw, 'ham')).toEqual({ learned: false, didSet: [], didRemove: [] });
      // Told the other way, it relearns.
      expect((await spamc.learn(raw, 'spam')).learned).toBe(true);
      await spamd.waitForLog(/Tell: Setting local/);
    });

    it('answers PING', async () => {
      await expect(spamc.ping()).resolves.toBeUndefined();
    });
  });

  describe('clamd', () => {
    it('finds EICAR as a plain body', async () => {
      const raw = Buffer.concat([Buffer.from('From: ann@example.net\r\nSubject: test\r\n\r\n'), EICAR, Buffer.from('\r\n')]);
      const verdict = await clam.scan(raw);
      expect(verdict.infected).toBe(true);
      expect(verdict.name).toMatch(/^Eicar-Test-Signature/);
    });

    it('finds EICAR as a base64 attachment', async () => {
      const raw = await message('Report', 'See attached.\r\n', [{ filename: 'eicar.com', content: EICAR, contentType: 'application/octet-stream' }]);
      expect(raw.includes(EICAR)).toBe(false); // only the base64 form is on the wire
      expect(await clam.scan(raw)).toMatchObject({ infected: true, name: expect.stringMatching(/^Eicar-Test-Signature/) });
    });

    it('finds EICAR inside a deflated zip attachment', async () => {
      const zip = zipOf('report/eicar.com', EICAR);
      expect(zip.includes(EICAR)).toBe(false); // compressed: clamd has to unpack it
      const raw = await message('Zipped', 'Zipped for you.\r\n', [{ filename: 'report.zip', content: zip, contentType: 'application/zip' }]);
      expect(await clam.scan(raw)).toMatchObject({ infected: true, name: expect.stringMatching(/^Eicar-Test-Signature/) });
    });

    it('calls a clean message clean, also one of several chunks', async () => {
      expect(await clam.scan(await message('Lunch', 'Noon?\r\n'))).toEqual({ infected: false, name: null });
      const big = await message('Photos', 'Attached.\r\n', [{ filename: 'a.bin', content: Buffer.alloc(300_000, 7), contentType: 'application/octet-stream' }]);
      expect(await clam.scan(big)).toEqual({ infected: false, name: null });
    });

    it('reports a stream over StreamMaxLength as a daemon error, not as clean', async () => {
      const small = await startClamd({ streamMaxLength: '64K' });
      try {
        const client = new ClamdClient({ host: small.host, port: small.port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
        const details = await failureOf(client.scan(Buffer.alloc(1024 * 1024, 0x61)));
        // clamd answers and closes mid-stream; the answer can lose the race to our write error.
        expect(['daemon_error', 'reset']).toContain(details.reason);
        expect(details.scanner).toBe('clamav');
      } finally {
        await small.stop();
      }
    }, 60_000);

    it('answers PING', async () => {
      await expect(clam.ping()).resolves.toBeUndefined();
    });
  });

  describe('both at once (DaemonScanner)', () => {
    const scannerFor = (spam: ScannerDaemon | null, clam: ScannerDaemon | null, timeoutMs = 60_000) =>
      new DaemonScanner({
        spamd: spam ? { host: spam.host, port: spam.port, connectTimeoutMs: 5_000, timeoutMs, maxBytes: 512_000 } : null,
        clamd: clam ? { host: clam.host, port: clam.port, connectTimeoutMs: 5_000, timeoutMs, maxBytes: 25 * 1024 * 1024 } : null,
      });

    it('gives both verdicts for a clean message, spam for GTUBE', async () => {
      const scanner = scannerFor(spamd, clamd);
      expect(scanner.enabled).toEqual(['spamassassin', 'clamav']);
      const clean = await scanner.scan(await message('Lunch', 'Noon?\r\n'));
      expect(clean.virus).toEqual({ infected: false, name: null });
      expect(clean.spam?.isSpam).toBe(false);
      const spam = await scanner.scan(await message('Offer', `${GTUBE}\r\n`));
      expect(spam.spam?.isSpam).toBe(true);
      expect(spam.virus?.infected).toBe(false);
    });

    it('lets a virus decide alone', async () => {
      const raw = await message('Offer', `${GTUBE}\r\n`, [{ filename: 'eicar.com', content: EICAR, contentType: 'application/octet-stream' }]);
      const verdict = await scannerFor(spamd, clamd).scan(raw);
      expect(verdict.virus?.infected).toBe(true);
      expect(verdict.spam).toBeNull();
    });

    it('skips spamd above its size cap, as spamc does', async () => {
      const scanner = new DaemonScanner({
        spamd: { host: spamd.host, port: spamd.port, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxBytes: 100 },
        clamd: null,
      });
      expect(await scanner.scan(await message('Offer', `${GTUBE}\r\n`))).toEqual({ spam: null, virus: null });
      expect(await scanner.learn(await message('Offer', `${GTUBE}\r\n`), 'spam')).toBeNull();
    });

    it('probes both with PING', async () => {
      expect(await scannerFor(spamd, clamd).probe()).toEqual([
        { scanner: 'spamassassin', up: true },
        { scanner: 'clamav', up: true },
      ]);
    });
  });

  describe('failures', () => {
    it('a stopped daemon is a connect failure, for a scan and for a probe', async () => {
      const gone = await startClamd();
      const { host, port } = gone;
      await gone.stop();
      const client = new ClamdClient({ host, port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
      expect(await failureOf(client.scan(Buffer.from('hello')))).toMatchObject({ scanner: 'clamav', reason: 'connect' });
      const scanner = new DaemonScanner({
        spamd: { host: spamd.host, port: spamd.port, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxBytes: 512_000 },
        clamd: { host, port, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxBytes: 1 << 20 },
      });
      expect(await failureOf(scanner.scan(await message('Lunch', 'Noon?\r\n')))).toMatchObject({ scanner: 'clamav', reason: 'connect' });
      const [spamStatus, clamStatus] = await scanner.probe();
      expect(spamStatus).toEqual({ scanner: 'spamassassin', up: true });
      expect(clamStatus).toMatchObject({ scanner: 'clamav', up: false, error: expect.stringContaining('ECONNREFUSED') });
    }, 60_000);

    describe('a daemon that accepts and never answers', () => {
      let silent: net.Server;
      let port: number;
      const open = new Set<net.Socket>();

      beforeAll(async () => {
        // allowHalfOpen: our request ends with a half-close, which must not close it.
        silent = net.createServer({ allowHalfOpen: true }, (socket) => {
          open.add(socket);
          socket.resume();
        });
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
        port = (silent.address() as net.AddressInfo).port;
      });
      afterAll(async () => {
        for (const s of open) s.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });

      it('times out at the deadline as a typed failure', async () => {
        const spam = new SpamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 5_000, timeoutMs: 300 });
        expect(await failureOf(spam.check(Buffer.from('Subject: x\r\n\r\nhi\r\n')))).toMatchObject({ scanner: 'spamassassin', reason: 'timeout' });
        const clam = new ClamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 5_000, timeoutMs: 300 });
        expect(await failureOf(clam.ping())).toMatchObject({ scanner: 'clamav', reason: 'timeout' });
      });

      it('stops when the caller aborts', async () => {
        const clam = new ClamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
        const stop = new AbortController();
        const scanning = clam.scan(Buffer.from('hello'), stop.signal);
        await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
        stop.abort();
        expect(await failureOf(scanning)).toMatchObject({ scanner: 'clamav', reason: 'aborted' });
        const before = new AbortController();
        before.abort();
        expect(await failureOf(clam.scan(Buffer.from('hello'), before.signal))).toMatchObject({ reason: 'aborted' });
      });
    });

    it('an answer that is not SPAMD is a protocol failure', async () => {
      const liar = net.createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', () => resolve()));
      try {
        const port = (liar.address() as net.AddressInfo).port;
        const spam = new SpamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 5_000, timeoutMs: 60_000 });
        expect(await failureOf(spam.ping())).toMatchObject({ scanner: 'spamassassin', reason: 'protocol' });
      } finally {
        await new Promise((resolve) => liar.close(resolve));
      }
    });
  });
});
