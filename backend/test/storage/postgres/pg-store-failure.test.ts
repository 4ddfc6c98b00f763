// A PostgreSQL that fails a delivery's commit (here: a statement cancelled
// after PG_STATEMENT_TIMEOUT_MS while another session holds a table locked)
// answers 451 4.3.0 and keeps nothing, blobs included, since they are written
// by the same transaction; released, the same SMTP session delivers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../support/mail-helpers.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/pg-test-db.js';
import { SmtpLineClient } from '../../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let db: TestDatabase;
let server: TestServer;
let client: SmtpLineClient;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer({ DATABASE_URL: db.url, PG_STATEMENT_TIMEOUT_MS: '300' });
  await server.register('bob@example.test');
  client = await SmtpLineClient.connect(server.smtpPort);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.test')).toMatch(/^250/);
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
  await db?.drop();
});

async function send(raw: Buffer): Promise<string> {
  expect(await client.command('MAIL FROM:<alice@remote.test>')).toMatch(/^250 /);
  expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  client.write(Buffer.concat([raw, Buffer.from('.\r\n')]));
  return client.reply();
}

function message(attachmentBytes: number): { raw: Buffer; attachment: Buffer } {
  const attachment = randomBytes(attachmentBytes);
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    `From: alice@remote.test\r\nTo: bob@example.test\r\nSubject: locked\r\nMessage-ID: <${randomBytes(8).toString('hex')}@remote.test>\r\n` +
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      '--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="d.bin"\r\n' +
      `Content-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`,
  );
  return { raw, attachment };
}

async function counts(): Promise<Record<string, number>> {
  return withClient(db.url, async (c) => {
    const { rows } = await c.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM mail_messages) AS messages, (SELECT count(*) FROM attachments) AS attachments,
              (SELECT count(*) FROM mail_threads) AS threads, (SELECT count(DISTINCT sha256) FROM blob_chunks) AS blobs`,
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
  });
}

async function blobStored(sha: string): Promise<boolean> {
  return withClient(db.url, async (c) => (await c.query('SELECT 1 FROM blob_chunks WHERE sha256 = $1', [sha])).rowCount! > 0);
}

/** Another session holds mail_messages locked while fn runs: the delivery's insert waits, and is cancelled. */
async function withLockedMessages<T>(fn: () => Promise<T>): Promise<T> {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE mail_messages IN ACCESS EXCLUSIVE MODE');
    return await fn();
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
}

describe.each([
  { kind: 'a small message', attachmentBytes: 3_000 },
  { kind: 'a message of several chunks', attachmentBytes: 700_000 },
])('PostgreSQL failing the commit, $kind', ({ attachmentBytes }) => {
  it('answers 451 4.3.0 and keeps neither rows nor blobs; then the same session delivers', async () => {
    const before = await counts();
    const { raw, attachment } = message(attachmentBytes);
    expect(await withLockedMessages(() => send(raw))).toMatch(/^451 4\.3\.0 /);
    expect(await counts()).toEqual(before);
    expect(await blobStored(sha256(raw))).toBe(false);
    expect(await blobStored(sha256(attachment))).toBe(false);

    expect(await send(raw)).toMatch(/^250 /);
    expect(await counts()).toEqual({
      messages: before.messages! + 1, attachments: before.attachments! + 1, threads: before.threads! + 1, blobs: before.blobs! + 2,
    });
    expect(await blobStored(sha256(raw))).toBe(true);
    expect(await blobStored(sha256(attachment))).toBe(true);
  });
});

describe('PostgreSQL ending the server\'s connections (a restart, an administrator)', () => {
  it('keeps the server up, and the next mail is stored on new connections', async () => {
    expect(await send(message(1_000).raw)).toMatch(/^250 /);
    const ended = await withClient(db.url, async (c) => (await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    )).rowCount);
    expect(ended).toBeGreaterThan(0);
    // The pooled connections hear of it while idle; an 'error' nobody listened to would end the process here.
    const before = await counts();
    let reply = await send(message(1_000).raw);
    // A connection the pool handed out before it heard may fail this one delivery: 451, never a lost 250.
    if (reply.startsWith('451 ')) reply = await send(message(1_000).raw);
    expect(reply).toMatch(/^250 /);
    expect((await counts()).messages).toBe(before.messages! + 1);
  });
});
