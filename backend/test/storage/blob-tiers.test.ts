// Blobs up to BLOB_INLINE_MAX_BYTES are small_blobs rows, bigger ones files
// (blob-store.ts). Either way the API gives back the exact bytes, identical
// content is stored once, and the last reference to go takes the blob along.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobLocation, storedBlobs } from '../support/blob-census.js';
import { sha256 } from '../support/mail-helpers.js';
import { onPostgres } from '../support/pg-test-db.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

const LIMIT = 2048;

async function deliver(server: TestServer, attachments: Buffer[]): Promise<number> {
  const info = await server.mailer().sendMail({
    from: 'alice@remote.test',
    to: 'bob@example.test',
    subject: `tiers ${randomBytes(4).toString('hex')}`,
    text: 'see attached',
    attachments: attachments.map((content, i) => ({ filename: `f${i}.bin`, content })),
  });
  const id = Number(/stored as (\d+)/.exec(String(info.response))?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

async function deleteForGood(api: ApiClient, id: number): Promise<void> {
  expect((await api.del(`/api/messages/${id}`)).status).toBe(204); // to Trash
  expect((await api.del(`/api/messages/${id}`)).status).toBe(204); // for good
}

// The tiers are the SQLite engine's: on PostgreSQL every blob is rows of blob_chunks
// (dedupe and removal there: storage/contract/ and postgres/shared-database.test.ts).
describe.skipIf(onPostgres)(`with BLOB_INLINE_MAX_BYTES=${LIMIT} (SQLite engine only)`, () => {
  let server: TestServer;
  let bob: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ BLOB_INLINE_MAX_BYTES: String(LIMIT) });
    bob = server.api((await server.register('bob@example.test')).token);
  });
  afterAll(() => server.stop());

  it('keeps a blob of exactly the limit as a row and one byte more as a file; both download exactly', async () => {
    const atLimit = randomBytes(LIMIT);
    const overLimit = randomBytes(LIMIT + 1);
    const id = await deliver(server, [atLimit, overLimit]);
    expect(await blobLocation(server.dataDir, sha256(atLimit))).toBe('row');
    expect(await blobLocation(server.dataDir, sha256(overLimit))).toBe('file');
    const { attachments } = (await bob.get(`/api/messages/${id}`)).body.message;
    const downloads = await Promise.all(attachments.map((a: { id: number }) => bob.get(`/api/attachments/${a.id}`)));
    expect(downloads.map((d) => sha256(d.bytes))).toEqual([sha256(atLimit), sha256(overLimit)]);
  });

  it('stores identical small content once, and removes it with its last reference', async () => {
    const shared = randomBytes(1500); // its message, base64 and all, is over the limit
    const first = await deliver(server, [shared]);
    const rowsAfterFirst = (await storedBlobs(server.dataDir)).rows;
    const second = await deliver(server, [shared]);
    const rowsAfterSecond = (await storedBlobs(server.dataDir)).rows;
    // The second message adds only its own raw bytes (a file: it is over the limit).
    expect(rowsAfterSecond).toEqual(rowsAfterFirst);
    expect(rowsAfterFirst.filter((sha) => sha === sha256(shared))).toHaveLength(1);

    await deleteForGood(bob, first);
    expect(await blobLocation(server.dataDir, sha256(shared))).toBe('row');
    const { attachments } = (await bob.get(`/api/messages/${second}`)).body.message;
    expect(sha256((await bob.get(`/api/attachments/${attachments[0].id}`)).bytes)).toBe(sha256(shared));
    await deleteForGood(bob, second);
    expect(await blobLocation(server.dataDir, sha256(shared))).toBeNull();
  });
});

describe.skipIf(onPostgres)('with BLOB_INLINE_MAX_BYTES=0 (SQLite engine only)', () => {
  let server: TestServer;
  let bob: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ BLOB_INLINE_MAX_BYTES: '0' });
    bob = server.api((await server.register('bob@example.test')).token);
  });
  afterAll(() => server.stop());

  it('makes every blob a file, however small', async () => {
    const tiny = Buffer.from('tiny');
    const id = await deliver(server, [tiny]);
    const raw = (await bob.get(`/api/messages/${id}/raw`)).bytes;
    expect(raw.length).toBeGreaterThan(0);
    expect(await blobLocation(server.dataDir, sha256(tiny))).toBe('file');
    expect((await storedBlobs(server.dataDir)).rows).toEqual([]);
    expect((await storedBlobs(server.dataDir)).files).toHaveLength(2);
  });
});
