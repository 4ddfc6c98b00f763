// Mail without a From header (curl's SMTP upload, a bare note) shows the
// envelope sender (MAIL FROM) as its sender, as Mailpit does; a From header
// still wins when there is one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: SmtpLineClient;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.register('alice@example.test')).token;
  client = await SmtpLineClient.connect(server.smtpPort);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.test')).toMatch(/^250/);
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

/** One transaction on the open session; returns the stored message as the API shows it. */
async function deliver(mailFrom: string, data: string) {
  expect(await client.command(`MAIL FROM:<${mailFrom}>`)).toMatch(/^250 /);
  expect(await client.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  const reply = await client.command(`${data}\r\n.`);
  const id = /stored as (\d+)/.exec(reply)?.[1];
  expect(reply, reply).toMatch(/^250 /);
  return (await server.api(token).get(`/api/messages/${id}`)).body.message;
}

describe('sender of mail without a From header', () => {
  it('is the envelope sender when the header section is empty', async () => {
    const message = await deliver('Note.Taker@remote.test', '\r\njust a bare note, no headers');
    expect(message.fromEmail).toBe('Note.Taker@remote.test');
    expect(message.fromName).toBe('');
    expect(message.bodyText).toContain('just a bare note');
  });

  it('is the envelope sender when the data is only text lines (curl -T note.txt)', async () => {
    const message = await deliver('curl-user@remote.test', 'hello from curl\r\nsecond line');
    expect(message.fromEmail).toBe('curl-user@remote.test');
  });

  it('is the From header when there is one, whatever the envelope says', async () => {
    const message = await deliver('bounces+123@lists.remote.test', 'From: Ann Author <ann@remote.test>\r\nSubject: hi\r\n\r\nbody');
    expect(message.fromEmail).toBe('ann@remote.test');
    expect(message.fromName).toBe('Ann Author');
  });

  it('stays empty for the null reverse-path (a bounce) without a From header', async () => {
    const message = await deliver('', 'Subject: Undelivered\r\n\r\nbounce body');
    expect(message.fromEmail).toBe('');
    expect(message.subject).toBe('Undelivered');
  });

  it('names the envelope sender in the thread list too', async () => {
    const folders = (await server.api(token).get('/api/folders')).body.folders;
    const inbox = folders.find((f: { kind: string }) => f.kind === 'inbox');
    const { threads } = (await server.api(token).get(`/api/folders/${inbox.id}/threads`)).body;
    const bare = threads.find((t: { snippet: string }) => t.snippet.includes('just a bare note'));
    expect(bare.participants).toEqual([{ address: 'Note.Taker@remote.test', name: '' }]);
  });
});
