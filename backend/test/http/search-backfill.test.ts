// The search migration on a database that already holds mail: the mail is
// indexed after start, in the background, and found; new mail is found at
// once meanwhile. The database is put back to how it was before the
// migration (its objects dropped, its record removed) and the server started
// again on it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dbRows, dbRun } from '../support/db-peek.js';
import { searchSubjects, until } from '../support/search-helpers.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MIGRATION = '20261208010000_search_index';
let dataDir: string;
let server: TestServer | null = null;

afterAll(async () => {
  await server?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

// It drops SQLite's FTS5 objects to make mail older than the index; PostgreSQL's
// backfill (PgSearchIndex) has no such test yet.
const onPostgres = process.env.CHITBOX_TEST_DATABASE === 'postgresql';

describe.skipIf(onPostgres)('search index backfill', { timeout: 180_000 }, () => {
  it('indexes mail stored before the migration, and keeps indexing new mail', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-backfill-'));
    server = await startTestServer({}, dataDir);
    const { token } = await server.register('bob@example.test');
    const mailer = server.mailer();
    // More than one batch of the backfill.
    for (let i = 0; i < 210; i++) {
      await mailer.sendMail({ from: 'old@remote.test', to: 'bob@example.test', subject: `Old ${i}`, text: i % 100 === 7 ? 'a porcupine' : 'older mail' });
    }
    await server.stop();
    server = null;

    await dbRun(dataDir, 'DROP TRIGGER mail_messages_search_delete');
    await dbRun(dataDir, 'DROP TABLE message_search');
    await dbRun(dataDir, 'DROP TABLE search_backfill');
    await dbRun(dataDir, 'DELETE FROM _prisma_migrations WHERE migration_name = ?', MIGRATION);

    server = await startTestServer({}, dataDir);
    expect(server.chitbox.store.migrationsApplied).toEqual([MIGRATION]);
    const bob = server.api(token);
    await server.mailer().sendMail({ from: 'new@remote.test', to: 'bob@example.test', subject: 'New porcupine', text: 'fresh' });
    expect(await searchSubjects(bob, 'subject:porcupine')).toEqual(['New porcupine']);

    const all = await until(() => searchSubjects(bob, 'porcupine'), (found) => found.length === 4);
    expect(all).toEqual(['New porcupine', 'Old 107', 'Old 207', 'Old 7']);
    await until(async () => dbRows(dataDir, 'SELECT * FROM search_backfill'), (rows) => rows.length === 0);
    expect((await dbRows<{ n: number }>(dataDir, `SELECT count(*) AS n FROM mail_messages WHERE id NOT IN (SELECT rowid FROM message_search)`))[0]!.n).toBe(0);
  });
});
