// SMTP_DATA_BUFFER_BYTES: with a budget far smaller than the messages in
// flight, concurrent sessions are slowed (TCP flow control), never stalled:
// every message is accepted and stored byte for byte, sent with DATA or with
// BDAT chunks (RFC 3030) alike.
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBytes, storedIds } from '../support/mail-helpers.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ SMTP_DATA_BUFFER_BYTES: String(64 * 1024) });
  const { token } = await server.register('bob@example.test');
  bob = server.api(token);
});

afterAll(() => server.stop());

function bigMessage(i: number): Buffer {
  const body = randomBytes(300 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `From: load${i}@remote.test\r\nTo: bob@example.test\r\nSubject: big ${i}\r\nMessage-ID: <big${i}@remote.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
  );
}

describe('the DATA memory budget', () => {
  it('delivers five concurrent 400 KB messages through a 64 KB budget', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 5, maxMessages: Infinity,
    });
    try {
      const messages = Array.from({ length: 5 }, (_, i) => bigMessage(i));
      const infos = await Promise.all(
        messages.map((raw) => transport.sendMail({ envelope: { from: 'load@remote.test', to: ['bob@example.test'] }, raw })),
      );
      for (const [i, info] of infos.entries()) {
        expect(info.response).toMatch(/^250 /);
        const [id] = storedIds(info.response ?? '');
        expect((await storedBytes(bob, id!)).equals(messages[i]!)).toBe(true);
      }
    } finally {
      transport.close();
    }
  });
});

/** One session sending `raw` as pipelined 64 KiB BDAT chunks; the reply to LAST. */
async function sendChunked(raw: Buffer): Promise<string> {
  const client = await SmtpLineClient.connect(server.smtpPort);
  try {
    expect(await client.reply()).toMatch(/^220 /);
    expect(await client.command('EHLO load.test')).toMatch(/CHUNKING/);
    expect(await client.command('MAIL FROM:<load@remote.test>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    const chunks: Buffer[] = [];
    for (let at = 0; at < raw.length; at += 64 * 1024) chunks.push(raw.subarray(at, at + 64 * 1024));
    for (const [i, chunk] of chunks.entries()) {
      client.write(Buffer.from(`BDAT ${chunk.length}${i === chunks.length - 1 ? ' LAST' : ''}\r\n`));
      client.write(chunk);
    }
    for (let i = 0; i < chunks.length - 1; i++) expect(await client.reply()).toMatch(/^250 2\.0\.0 /);
    return await client.reply();
  } finally {
    client.destroy();
  }
}

describe('the DATA memory budget with BDAT', () => {
  it('delivers five concurrent 400 KB messages sent in pipelined chunks through a 64 KB budget', async () => {
    const messages = Array.from({ length: 5 }, (_, i) => bigMessage(10 + i));
    const replies = await Promise.all(messages.map((raw) => sendChunked(raw)));
    for (const [i, reply] of replies.entries()) {
      expect(reply).toMatch(/^250 2\.6\.0 /);
      const [id] = storedIds(reply);
      expect((await storedBytes(bob, id!)).equals(messages[i]!)).toBe(true);
    }
  });
});
