// A client that disconnects in the middle of DATA leaves nothing stored, and
// the listener keeps serving new sessions.
import { dbRows } from '../support/db-peek.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBlobs } from '../support/blob-census.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { sleep, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;

const MESSAGE =
  'From: Alice <alice@remote.test>\r\nTo: bob@example.test\r\nSubject: cut short\r\n' +
  'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
  '--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n' +
  '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="x.bin"\r\n' +
  `Content-Transfer-Encoding: base64\r\n\r\n${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='.repeat(2)}\r\n--b--\r\n`;

async function openSession(): Promise<SmtpLineClient> {
  const client = await SmtpLineClient.connect(server.smtpPort);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.test')).toMatch(/^250/);
  expect(await client.command('MAIL FROM:<alice@remote.test>')).toMatch(/^250 /);
  expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  return client;
}

async function storedState() {
  const [counted] = await dbRows<{ n: number | string }>(server.dataDir, 'SELECT (SELECT count(*) FROM mail_messages) + (SELECT count(*) FROM attachments) AS n');
  const rows = Number(counted!.n);
  const { files, rows: smallBlobs } = await storedBlobs(server.dataDir);
  const blobs = files.length + smallBlobs.length;
  const folders = (await bob.get('/api/folders')).body.folders as Array<{ totalCount: number }>;
  return { rows, blobs, total: folders.reduce((n, f) => n + f.totalCount, 0) };
}

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
});

afterAll(async () => {
  await server.stop();
});

describe('disconnect during DATA', () => {
  it('stores nothing when the client vanishes after half the message', async () => {
    const client = await openSession();
    client.write(MESSAGE.slice(0, Math.floor(MESSAGE.length / 2)));
    await sleep(50); // let the half reach the server before the connection drops
    client.destroy();
    await sleep(200);
    expect(await storedState()).toEqual({ rows: 0, blobs: 0, total: 0 });
  });

  it('stores nothing when the client vanishes after the whole body but before the final dot', async () => {
    const client = await openSession();
    client.write(MESSAGE);
    await sleep(50);
    client.destroy();
    await sleep(200);
    expect(await storedState()).toEqual({ rows: 0, blobs: 0, total: 0 });
  });

  it('still answers a new session, which delivers', async () => {
    expect((await server.api().get('/health')).status).toBe(200);
    const client = await openSession();
    client.write(`${MESSAGE}.\r\n`);
    expect(await client.reply()).toMatch(/^250 /);
    expect(await client.command('QUIT')).toMatch(/^221 /);
    client.destroy();
    expect(await storedState()).toEqual({ rows: 2, blobs: 2, total: 1 });
  });
});
