// Another process holding the SQLite write lock (the CLI, a backup) must not
// stop the server's event loop: its writes wait on timers, and everything
// else (here: a read) is answered meanwhile.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SQLITE_BUSY_TIMEOUT_MS: '120000' });
});

afterAll(async () => {
  await server.stop();
});

// SQLite's one write lock, held by another process; PostgreSQL has row locks instead.
it.skipIf(process.env.CHITBOX_TEST_DATABASE === 'postgresql')('answers reads while a write waits for a lock another process holds, and does the write once it is free', async () => {
  const { token } = await server.register('wanda@example.test');
  const api = server.api(token);
  const other = new Database(path.join(server.dataDir, 'chitbox.db'));
  other.exec('BEGIN IMMEDIATE');
  let locked = true;
  try {
    let settled = false;
    const write = api.raw('PUT', '/api/admin/users/wanda@example.test', {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Wanda' }),
    }).finally(() => (settled = true));
    // Round trips one after another: the write reaches the held lock during them. A server
    // whose event loop waits on the lock answers none of the later ones until the write gives up.
    for (let i = 0; i < 20; i++) expect((await api.get('/api/auth/me')).status).toBe(200);
    expect(settled).toBe(false);
    other.exec('COMMIT');
    locked = false;
    const res = await write;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.bytes.toString()).user.name).toBe('Wanda');
  } finally {
    if (locked) other.exec('ROLLBACK');
    other.close();
  }
}, 180_000);
