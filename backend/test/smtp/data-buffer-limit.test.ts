// SMTP_DATA_BUFFER_BYTES: with a budget far smaller than the messages in
// flight, concurrent sessions are slowed (TCP flow control), never stalled:
// every message is accepted and stored byte for byte.
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBytes, storedIds } from '../support/mail-helpers.js';
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
