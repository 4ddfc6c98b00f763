// New mail is indexed for search in batches behind its deliveries
// (storage/sqlite/ingest-worker/search-index-queue.ts). Over the real API:
// a search right after the 250 finds the message (the search has the batch
// written first), and the entries of a process that died before its batch
// are indexed after the next start, from the stored rows, by the backfill.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dbRows, dbRun } from '../support/db-peek.js';
import { searchSubjects, until } from '../support/search-helpers.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let dataDir: string;
let server: TestServer | null = null;

afterAll(async () => {
  await server?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

const indexedIds = async (word: string) =>
  (await dbRows<{ id: number }>(dataDir, `SELECT rowid AS id FROM message_search WHERE message_search MATCH ?`, `"${word}"`)).map((r) => r.id);

// SQLite's batches; PostgreSQL indexes in the delivery's own statement.
const onPostgres = process.env.CHITBOX_TEST_DATABASE === 'postgresql';

describe.skipIf(onPostgres)('search entries written behind the deliveries', { timeout: 120_000 }, () => {
  it('are found right after the 250, and what a dead process left unwritten is indexed at the next start', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-search-batches-'));
    server = await startTestServer({}, dataDir);
    const { token } = await server.register('bob@example.test');
    const mailer = server.mailer();
    await mailer.sendMail({ from: 'a@remote.test', to: 'bob@example.test', subject: 'Kept porcupine', text: 'quills' });
    await mailer.sendMail({ from: 'b@remote.test', to: 'bob@example.test', subject: 'Lost porcupine', text: 'more quills' });
    // Well inside the moment new entries wait for company (search-flush.ts).
    expect(await searchSubjects(server.api(token), 'porcupine')).toEqual(['Kept porcupine', 'Lost porcupine']);
    await server.stop();
    server = null;

    // As a process killed between a delivery and its batch leaves it: the row and its name, no entry.
    const [lost] = await dbRows<{ id: number }>(dataDir, `SELECT id FROM mail_messages WHERE subject = 'Lost porcupine'`);
    await dbRun(dataDir, 'DELETE FROM message_search WHERE rowid = ?', lost!.id);
    await dbRun(dataDir, 'INSERT INTO search_pending (message_id) VALUES (?)', lost!.id);
    expect(await indexedIds('lost')).toEqual([]);

    server = await startTestServer({}, dataDir);
    const bob = server.api(token);
    expect(await until(() => searchSubjects(bob, 'quills'), (found) => found.length === 2)).toEqual(['Kept porcupine', 'Lost porcupine']);
    expect(await indexedIds('lost')).toEqual([lost!.id]);
    await until(() => dbRows(dataDir, 'SELECT * FROM search_pending'), (rows) => rows.length === 0);
  });
});
