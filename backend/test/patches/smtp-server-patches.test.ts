// One test per smtp-server patch (backend/src/patches/), each run with the
// patch and then without it, so it shows the patch is what makes it pass.
// The server installed them at start; a patch's install() returns its undo.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkingPatch } from '../../src/patches/smtp-server-chunking.js';
import { openConnectionCount, openConnections, connectionsPatch } from '../../src/patches/smtp-server-connections.js';
import { enhancedStatusPatch } from '../../src/patches/smtp-server-enhanced-status.js';
import { relayTricksPatch } from '../../src/patches/smtp-server-relay-tricks.js';
import { checkVersion, installedVersion, PatchVersionError } from '../../src/patches/patch.js';
import { relayDeniedReply } from '../../src/smtp/smtp-replies.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: SmtpLineClient;

beforeAll(async () => {
  server = await startTestServer();
  await server.register('alice@example.test');
  client = await SmtpLineClient.connect(server.smtpPort);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.test')).toMatch(/^250/);
  expect(await client.command('MAIL FROM:<x@remote.test>')).toMatch(/^250 /);
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('smtp-server: keep the enhanced status code a reply has', () => {
  it('answers a relay attempt 550 5.7.1, and 550 5.1.1 on top of it without the patch', async () => {
    expect(await client.command('RCPT TO:<someone@elsewhere.test>')).toBe('550 5.7.1 Relaying denied: not a local domain and not authenticated');
    const undo = enhancedStatusPatch.install();
    undo();
    try {
      expect(await client.command('RCPT TO:<someone@elsewhere.test>')).toMatch(/^550 5\.1\.1 5\.7\.1 /);
    } finally {
      enhancedStatusPatch.install();
    }
  });
});

describe('smtp-server: unparseable relay paths are relay refusals', () => {
  it.each(['u@ext.test@example.test', '"u@ext.test"@example.test'])('answers RCPT TO:<%s> 550 5.7.1, and 501 without the patch', async (path) => {
    const patch = relayTricksPatch(relayDeniedReply);
    expect(await client.command(`RCPT TO:<${path}>`)).toBe('550 5.7.1 Relaying denied: not a local address');
    patch.install()();
    try {
      expect(await client.command(`RCPT TO:<${path}>`)).toMatch(/^501 /);
    } finally {
      patch.install();
    }
  });
});

describe('smtp-server: CHUNKING, the BDAT command (RFC 3030)', () => {
  it('advertises CHUNKING and stores a message sent with BDAT; without the patch EHLO lacks it and BDAT is an unknown command', async () => {
    const peer = await SmtpLineClient.connect(server.smtpPort);
    const transaction = async () => {
      expect(await peer.command('MAIL FROM:<x@remote.test>')).toMatch(/^250 /);
      expect(await peer.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
    };
    try {
      expect(await peer.reply()).toMatch(/^220 /);
      expect(await peer.command('EHLO client.test')).toMatch(/^250[- ]CHUNKING$/m);
      await transaction();
      peer.write('BDAT 23 LAST\r\nSubject: chunked\r\n\r\n.\r\n');
      expect(await peer.reply()).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
      chunkingPatch.install()();
      try {
        expect(await peer.command('EHLO client.test')).not.toMatch(/CHUNKING/);
        await transaction();
        expect(await peer.command('BDAT 0 LAST')).toMatch(/^500 /);
      } finally {
        chunkingPatch.install();
      }
    } finally {
      peer.destroy();
    }
  });
});

describe("smtp-server: its open connections", () => {
  it('lists each open connection and tells one inside DATA', async () => {
    // The message has arrived and is being "stored": its reply waits for the test.
    let arrived!: (reply: () => void) => void;
    const storing = new Promise<() => void>((r) => (arrived = r));
    const bare = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => arrived(() => callback()));
      },
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const peer = await SmtpLineClient.connect((bare.server.address() as AddressInfo).port);
    try {
      expect(await peer.reply()).toMatch(/^220 /);
      expect(openConnectionCount(bare)).toBe(1);
      expect(openConnections(bare)[0]!.receivingData).toBe(false);
      for (const cmd of ['EHLO client.test', 'MAIL FROM:<a@b.test>', 'RCPT TO:<c@d.test>']) expect(await peer.command(cmd)).toMatch(/^250/);
      expect(await peer.command('DATA')).toMatch(/^354 /);
      peer.write('Subject: half\r\n\r\n.\r\n');
      const reply = await storing;
      expect(openConnections(bare)[0]!.receivingData).toBe(true);
      reply();
      expect(await peer.reply()).toMatch(/^250 /);
    } finally {
      peer.destroy();
      await new Promise<void>((r) => bare.close(() => r()));
    }
  });
});

describe('version checks', () => {
  it('every patch was written for the installed version', () => {
    for (const patch of [enhancedStatusPatch, connectionsPatch, relayTricksPatch(relayDeniedReply), chunkingPatch]) {
      expect(installedVersion(patch.library)).toBe(patch.version);
    }
  });

  it('refuses a patch written for another version, naming both', () => {
    const err = (() => {
      try {
        checkVersion({ name: 'a test patch', library: 'smtp-server', version: '0.0.1' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PatchVersionError);
    expect((err as Error).message).toMatch(/smtp-server 3\.21\.6 is installed, but the patch "a test patch".*written for 0\.0\.1/);
  });
});
