// WAL checkpoints belong to the ingest worker thread (storage/sqlite/checkpoints.ts):
// the main thread's connections never run one, so an API write never waits
// on the event loop while pages are copied, and the ingest thread's timer
// copies what only the main thread wrote into the database file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestWorker } from '../../../src/storage/sqlite/ingest-worker/ingest-worker.js';
import { openDatabase, type SqliteDatabase } from '../../../src/storage/sqlite/sqlite-database.js';
import { waitFor } from '../../sending/relay-sink.js';

let dir: string;
let filePath: string;
let db: SqliteDatabase;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-checkpoints-'));
  filePath = path.join(dir, 'chitbox.db');
  const ingest = new IngestWorker({ filePath, busyTimeoutMs: 5000, blobRoot: path.join(dir, 'blobs'), checkpointEveryMs: 200 });
  db = await openDatabase({ filePath, busyTimeoutMs: 5000 }, ingest);
});

afterAll(async () => {
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints', () => {
  it('are never run by the main thread’s connections', async () => {
    expect(await db.writeNow((w) => w.pragma('wal_autocheckpoint', { simple: true }))).toBe(0);
    const viaPrisma = async (client: { $queryRawUnsafe: (sql: string) => Promise<unknown> }) =>
      Number((await client.$queryRawUnsafe('PRAGMA wal_autocheckpoint') as Array<{ wal_autocheckpoint: number | bigint }>)[0]!.wal_autocheckpoint);
    expect(await viaPrisma(db.read)).toBe(0);
    expect(await db.write((tx) => viaPrisma(tx))).toBe(0);
  });

  it('copy what only the main thread wrote into the database file, on the ingest thread’s timer', async () => {
    await waitFor(() => fs.existsSync(`${filePath}-wal`), 'the WAL');
    const before = fs.statSync(filePath).size;
    // About 1.5 MB of new pages: well under SQLite's own 1,000-page threshold.
    await db.writeNow((w) => {
      const insert = w.prepare('INSERT INTO small_blobs (sha256, size, content) VALUES (?, ?, ?)');
      for (let i = 0; i < 96; i++) insert.run(i.toString(16).padStart(64, '0'), 16_384, Buffer.alloc(16_384, i));
    });
    await waitFor(() => fs.statSync(filePath).size >= before + 1_500_000, 'the pages in the database file', 10_000);
  });
});
