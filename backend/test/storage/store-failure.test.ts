// A storage failure during DATA answers 451 4.3.0 and leaves no rows and no
// blobs behind; once storage works again the same SMTP session delivers.
// The SQLite engine's failures: blob files, and a lock held past the busy
// timeout. PostgreSQL's are in postgres/pg-store-failure.test.ts, which runs
// in every mode; this file, on CHITBOX_TEST_DATABASE=postgresql, has nothing
// to test (no blob files, no busy timeout) and says so.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobLocation, storedBlobs } from '../support/blob-census.js';
import { sha256 } from '../support/mail-helpers.js';
import { onPostgres } from '../support/pg-test-db.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: SmtpLineClient;
let bob: ApiClient;
let inboxId: number;

/** A message with one base64 attachment, unique per call so its blobs are new. */
function uniqueMessage(subject: string, attachmentBytes = 3000): { raw: Buffer; attachment: Buffer } {
  const attachment = randomBytes(attachmentBytes);
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    'From: Alice <alice@remote.test>\r\nTo: bob@example.test\r\n' +
      `Subject: ${subject}\r\nMessage-ID: <${randomBytes(8).toString('hex')}@remote.test>\r\n` +
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
      '--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      '--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="data.bin"\r\n' +
      `Content-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`,
  );
  return { raw, attachment };
}

/** One full transaction on the reused session; returns the reply to the final dot. */
async function send(raw: Buffer): Promise<string> {
  expect(await client.command('MAIL FROM:<alice@remote.test>')).toMatch(/^250 /);
  expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
  expect(await client.command('DATA')).toMatch(/^354 /);
  client.write(Buffer.concat([raw, Buffer.from('.\r\n')]));
  return client.reply();
}

function dbCounts(): Record<string, number> {
  const db = new Database(path.join(server.dataDir, 'chitbox.db'), { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const table of ['mail_messages', 'attachments', 'mail_threads', 'small_blobs']) {
      out[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

async function inboxTotal(): Promise<number> {
  const folders = (await bob.get('/api/folders')).body.folders;
  return folders.find((f: { id: number }) => f.id === inboxId).totalCount;
}

/** Every file under blobs/ (temp files included), but the file that stands in for a broken temp directory. */
async function blobFiles(): Promise<string[]> {
  return (await storedBlobs(server.dataDir)).files.filter((p) => p !== 'tmp');
}

const blobPath = (sha: string) => path.join(server.dataDir, 'blobs', sha.slice(0, 2), sha);
const exists = (p: string) => fs.access(p).then(() => true, () => false);

const smallBlobRow = async (sha: string) => (await blobLocation(server.dataDir, sha)) === 'row';

/** Makes the temp directory unusable for the duration of fn. */
async function withBrokenBlobDirectory<T>(fn: () => Promise<T>): Promise<T> {
  const tmp = path.join(server.dataDir, 'blobs', 'tmp');
  // The tests run as root, so permissions would not stop the writes: a file
  // where the temp directory should be does.
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.writeFile(tmp, 'not a directory');
  try {
    return await fn();
  } finally {
    await fs.rm(tmp, { force: true });
    await fs.mkdir(tmp);
  }
}

/** Holds the database's write lock for the duration of fn (longer than the server's busy timeout). */
async function withLockedDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const locker = new Database(path.join(server.dataDir, 'chitbox.db'), { fileMustExist: true });
  try {
    locker.exec('BEGIN EXCLUSIVE');
    return await fn();
  } finally {
    locker.exec('ROLLBACK');
    locker.close();
  }
}

describe.skipIf(onPostgres)('the SQLite engine (skipped on PostgreSQL: no blob files, no busy timeout there)', () => {
  beforeAll(async () => {
    // The database case needs a lock held longer than the server waits for it.
    server = await startTestServer({ SQLITE_BUSY_TIMEOUT_MS: '200' });
    const { token } = await server.register('bob@example.test');
    bob = server.api(token);
    inboxId = (await bob.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox').id;
    client = await SmtpLineClient.connect(server.smtpPort);
    expect(await client.reply()).toMatch(/^220 /);
    expect(await client.command('EHLO client.test')).toMatch(/^250/);
    expect(await send(uniqueMessage('warm-up').raw)).toMatch(/^250 /);
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  // Blobs over 64 KiB are files (blob-store.ts). From 256 KB on, the raw bytes
  // and the attachments are moved to the writing thread together after parsing
  // (ingest-message.ts): a separate path.
  describe.each([
    { kind: 'a message with a 100 KB attachment', attachmentBytes: 100_000 },
    { kind: 'a big message', attachmentBytes: 300_000 },
  ])('storage failure during DATA, $kind', ({ attachmentBytes }) => {
    it('answers 451 4.3.0 when the blob store cannot write, and keeps nothing', async () => {
      const countsBefore = dbCounts();
      const totalBefore = await inboxTotal();
      const filesBefore = await blobFiles();
      const { raw, attachment } = uniqueMessage('blob store broken', attachmentBytes);
      expect(await withBrokenBlobDirectory(() => send(raw))).toMatch(/^451 4\.3\.0 /);
      expect(dbCounts()).toEqual(countsBefore);
      expect(await inboxTotal()).toBe(totalBefore);
      expect(await blobFiles()).toEqual(filesBefore);
      expect(await exists(blobPath(sha256(raw)))).toBe(false);
      expect(await exists(blobPath(sha256(attachment)))).toBe(false);

      // Storage restored: the same session delivers the same message.
      expect(await send(raw)).toMatch(/^250 /);
      expect(await inboxTotal()).toBe(totalBefore + 1);
      expect(dbCounts()).toEqual({
        mail_messages: countsBefore.mail_messages! + 1,
        attachments: countsBefore.attachments! + 1,
        mail_threads: countsBefore.mail_threads! + 1,
        small_blobs: countsBefore.small_blobs,
      });
      expect(await exists(blobPath(sha256(raw)))).toBe(true);
      expect(await exists(blobPath(sha256(attachment)))).toBe(true);
    });

    it('answers 451 4.3.0 when the database stays locked, and removes the blobs it wrote', async () => {
      const countsBefore = dbCounts();
      const totalBefore = await inboxTotal();
      const filesBefore = await blobFiles();
      const { raw, attachment } = uniqueMessage('database locked', attachmentBytes);
      expect(await withLockedDatabase(() => send(raw))).toMatch(/^451 4\.3\.0 /);
      expect(dbCounts()).toEqual(countsBefore);
      expect(await inboxTotal()).toBe(totalBefore);
      // The DATA bytes were stored under their sha256 before the commit failed; now they are gone.
      expect(await exists(blobPath(sha256(raw)))).toBe(false);
      expect(await exists(blobPath(sha256(attachment)))).toBe(false);
      expect(await blobFiles()).toEqual(filesBefore);

      expect(await send(raw)).toMatch(/^250 /);
      expect(await inboxTotal()).toBe(totalBefore + 1);
      expect(await exists(blobPath(sha256(raw)))).toBe(true);
    });
  });

  // Blobs of up to 64 KiB are rows of small_blobs, inserted by the commit itself.
  describe('storage failure during DATA, a small message (its blobs are database rows)', () => {
    it('needs no blob file: a broken blob directory does not stop it', async () => {
      const countsBefore = dbCounts();
      const filesBefore = await blobFiles();
      const { raw, attachment } = uniqueMessage('small, blob directory broken');
      expect(await withBrokenBlobDirectory(() => send(raw))).toMatch(/^250 /);
      expect(dbCounts()).toEqual({
        mail_messages: countsBefore.mail_messages! + 1,
        attachments: countsBefore.attachments! + 1,
        mail_threads: countsBefore.mail_threads! + 1,
        small_blobs: countsBefore.small_blobs! + 2,
      });
      expect(await smallBlobRow(sha256(raw))).toBe(true);
      expect(await smallBlobRow(sha256(attachment))).toBe(true);
      expect(await blobFiles()).toEqual(filesBefore);
    });

    it('answers 451 4.3.0 when the database stays locked, and keeps neither rows nor blobs', async () => {
      const countsBefore = dbCounts();
      const totalBefore = await inboxTotal();
      const filesBefore = await blobFiles();
      const { raw, attachment } = uniqueMessage('small, database locked');
      expect(await withLockedDatabase(() => send(raw))).toMatch(/^451 4\.3\.0 /);
      expect(dbCounts()).toEqual(countsBefore);
      expect(await inboxTotal()).toBe(totalBefore);
      expect(await smallBlobRow(sha256(raw))).toBe(false);
      expect(await smallBlobRow(sha256(attachment))).toBe(false);
      expect(await blobFiles()).toEqual(filesBefore);

      expect(await send(raw)).toMatch(/^250 /);
      expect(await inboxTotal()).toBe(totalBefore + 1);
      expect(await smallBlobRow(sha256(raw))).toBe(true);
      expect(await smallBlobRow(sha256(attachment))).toBe(true);
    });
  });
});
