// Every SMTP refusal with its exact code, over a raw socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: SmtpLineClient;

beforeAll(async () => {
  server = await startTestServer({ SMTP_MAX_MESSAGE_BYTES: '2048', SMTP_MAX_RECIPIENTS: '3' });
  await server.register('alice@example.test');
  await server.register('bob@example.test');
  await server.register('carol@example.test');
  client = await SmtpLineClient.connect(server.smtpPort);
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('SMTP listener', () => {
  it('greets with 220 <hostname> ESMTP <banner>', async () => {
    expect(await client.reply()).toBe('220 mx.chitbox.test ESMTP ChitBox');
  });

  it('advertises the contract extensions on EHLO', async () => {
    const ehlo = await client.command('EHLO client.test');
    for (const ext of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'SIZE 2048', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN']) {
      expect(ehlo).toContain(ext);
    }
    expect(ehlo).not.toContain('STARTTLS');
  });

  it('refuses an unknown local user with 550 5.1.1 and another domain with 550 5.7.1', async () => {
    expect(await client.command('MAIL FROM:<x@remote.test>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<nobody@example.test>')).toMatch(/^550 5\.1\.1 /);
    expect(await client.command('RCPT TO:<someone@elsewhere.test>')).toMatch(/^550 5\.7\.1 /);
  });

  it('matches local addresses case-insensitively', async () => {
    expect(await client.command('RCPT TO:<ALICE@Example.TEST>')).toMatch(/^250 /);
  });

  it('refuses the recipient after the limit with 452 4.5.3', async () => {
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /); // a repeat does not count
    expect(await client.command('RCPT TO:<carol@example.test>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^452 4\.5\.3 /);
  });

  it('answers 552 5.3.4 to an oversized message and the session still delivers', async () => {
    expect(await client.command('DATA')).toMatch(/^354 /);
    client.write(`Subject: big\r\n\r\n${'x'.repeat(100)}\r\n`.repeat(40) + '.\r\n');
    expect(await client.reply()).toMatch(/^552 5\.3\.4 /);
    expect(await client.command('MAIL FROM:<x@remote.test>')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
    expect(await client.command('DATA')).toMatch(/^354 /);
    client.write('Subject: small\r\n\r\nhello\r\n.\r\n');
    expect(await client.reply()).toMatch(/^250 .*stored as \d+/);
  });

  it('refuses DATA without recipients with 503', async () => {
    expect(await client.command('MAIL FROM:<x@remote.test>')).toMatch(/^250 /);
    expect(await client.command('DATA')).toMatch(/^503 /);
    expect(await client.command('RSET')).toMatch(/^250 /);
  });

  it('answers an unknown command with 500 and keeps the session', async () => {
    expect(await client.command('FOO bar')).toMatch(/^500 /);
    expect(await client.command('NOOP')).toMatch(/^250 /);
  });
});
