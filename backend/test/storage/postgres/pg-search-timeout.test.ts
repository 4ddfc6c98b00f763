// A search on PostgreSQL has a deadline of its own (SEARCH_TIMEOUT_MS, set
// with SET LOCAL in the search's read-only transaction): past it the answer
// is 503 search_timeout, and the pooled connection goes back without the
// deadline, so the next search, and everything else, runs as before. Here a
// session holding the search table locked makes the search wait.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendRaw, waitFor } from '../../ops/ops-helpers.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg-test-db.js';
import { startTestServer, type ApiClient, type TestServer } from '../../support/test-server.js';

let db: TestDatabase;
let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  db = await createTestDatabase();
  // One connection in the pool: the search after the timed-out one gets the same connection.
  server = await startTestServer({ DATABASE_URL: db.url, SEARCH_TIMEOUT_MS: '300', PG_POOL_SIZE: '1' });
  api = server.api((await server.register('bob@example.test')).token);
  const sent = await sendRaw(server.smtpPort, 'bob@example.test', 'Subject: zebra crossing\r\n\r\nstriped\r\n');
  expect(sent.replies.at(-1)).toMatch(/^250 /);
  sent.client.destroy();
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

it('answers 503 search_timeout past SEARCH_TIMEOUT_MS, then searches as before on the same connection', async () => {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE message_search IN ACCESS EXCLUSIVE MODE');
    const stuck = await api.get('/api/search?q=zebra');
    expect(stuck.status).toBe(503);
    expect(stuck.body.error.code).toBe('search_timeout');
    await locker.query('ROLLBACK');
  } finally {
    await locker.end();
  }
  const found = await api.get('/api/search?q=zebra');
  expect(found.status).toBe(200);
  expect(found.body.messages.map((m: { subject: string }) => m.subject)).toEqual(['zebra crossing']);
  // The deadline was the search's alone: on the same connection a read may wait past 300 ms.
  const id = found.body.messages[0].id;
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE mail_messages IN ACCESS EXCLUSIVE MODE');
    const read = api.get(`/api/messages/${id}`);
    // Released once PostgreSQL says the read has waited on the lock for longer than the search's deadline.
    await waitFor(async () => (await holder.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'
      AND datname = current_database() AND clock_timestamp() - query_start > interval '400 milliseconds'`)).rowCount === 1);
    await holder.query('ROLLBACK');
    expect((await read).status).toBe(200);
  } finally {
    await holder.end();
  }
});
