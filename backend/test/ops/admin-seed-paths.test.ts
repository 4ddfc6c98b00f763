// The seed's admin paths beside /api/admin/...: GET /stats, /api/users,
// /api/users/{username}, /api/queue, with HTTP Basic; the same handlers as
// /api/admin (same answers), the seed's field names (avg_processing_ms,
// last_login, statistics).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbRun, sqliteTime } from '../support/db-peek.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { request } from './ops-helpers.js';

let server: TestServer;
const basic = (user: string, pw = PASSWORD) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
const root = basic('root@example.test');
const call = (method: string, p: string, headers: Record<string, string> = {}, body?: unknown) =>
  request(server.baseUrl, method, p, { headers, body });

beforeAll(async () => {
  server = await startTestServer({ ADMIN_EMAILS: 'root@example.test' });
  await server.register('root@example.test');
});

afterAll(async () => {
  await server.stop();
});

describe('GET /stats', () => {
  it('asks for HTTP Basic, refuses a non-admin, and has the seed keys and the spam and virus blocks', async () => {
    const anonymous = await call('GET', '/stats');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
    await server.register('plain@example.test');
    expect((await call('GET', '/stats', basic('plain@example.test'))).status).toBe(403);
    await server.mailer().sendMail({ from: 'x@remote.test', to: 'root@example.test', subject: 'timed', text: 'hello' });
    const { status, body } = await call('GET', '/stats', root);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      avg_processing_ms: expect.any(Number), p95_processing_ms: expect.any(Number), p99_processing_ms: expect.any(Number),
      spam: { enabled: false, scanned: 0, detected: 0 }, virus: { enabled: false, scanned: 0, detected: 0 },
    });
    expect(body.avg_processing_ms).toBeGreaterThan(0);
    const admin = await call('GET', '/api/admin/stats', root);
    expect(Object.keys(body).sort()).toEqual(Object.keys(admin.body).sort());
  });
});

describe('/api/users', () => {
  it('creates, lists, shows (last_login, statistics), updates and deletes by username', async () => {
    const created = await call('POST', '/api/users', root, { email: 'alice@example.test', username: 'alice', password: 'alice password 1' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username: 'alice', email: 'alice@example.test', last_login: null });
    const list = await call('GET', '/api/users', root);
    expect(list.body.users.map((u: { username: string }) => u.username)).toContain('alice');

    const before = await call('GET', '/api/users/alice', root);
    expect(before.status).toBe(200);
    expect(before.body.user.last_login).toBeNull();
    expect(before.body.user.statistics).toMatchObject({ messages: 0, unread: 0, sent: 0, received: 0, folders: 6, storage_used_bytes: 0 });

    await server.mailer().sendMail({ from: 'x@remote.test', to: 'alice@example.test', subject: 'one', text: 'for alice' });
    const login = await call('POST', '/api/auth/login', {}, { email: 'alice@example.test', password: 'alice password 1' });
    expect(login.status).toBe(200);
    const after = await call('GET', '/api/users/alice', root);
    expect(Date.parse(after.body.user.last_login)).toBeGreaterThan(Date.parse(after.body.user.created_at) - 1);
    expect(after.body.user.statistics).toMatchObject({ messages: 1, unread: 1, received: 1, threads: 1 });
    expect(after.body.user.statistics.storage_used_bytes).toBeGreaterThan(0);
    // One implementation: /api/admin answers the same.
    expect((await call('GET', '/api/admin/users/alice', root)).body).toEqual(after.body);

    const updated = await call('PUT', '/api/users/alice', root, { name: 'Alice A.' });
    expect(updated.status).toBe(200);
    expect(updated.body.user.name).toBe('Alice A.');
    expect((await call('DELETE', '/api/users/alice', root)).status).toBe(204);
    expect((await call('GET', '/api/users/alice', root)).status).toBe(404);
  });

  it('lets a user read themself by username, nobody else', async () => {
    await call('POST', '/api/users', root, { email: 'bea@example.test', username: 'bea', password: 'bea password 12' });
    expect((await call('GET', '/api/users/bea', basic('bea@example.test', 'bea password 12'))).status).toBe(200);
    expect((await call('GET', '/api/users/root', basic('bea@example.test', 'bea password 12'))).status).toBe(403);
    expect((await call('GET', '/api/users/nobody', basic('bea@example.test', 'bea password 12'))).status).toBe(403);
    expect((await call('GET', '/api/users', basic('bea@example.test', 'bea password 12'))).status).toBe(403);
    expect((await call('GET', '/api/users/bea')).status).toBe(401);
  });
});

describe('/api/queue', () => {
  it('lists, retries and drops queued mail; 404 for an id it does not have', async () => {
    const now = new Date();
    const id = await dbRun(
      server.dataDir,
      `INSERT INTO outbound_queue (user_id, mail_from, recipients, raw_sha256, size_bytes, status, attempts, next_attempt_at, last_error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'failed', 3, ?, '550 no such user', ?, ?)`,
      1, 'root@example.test', JSON.stringify(['x@remote.test']), 'f'.repeat(64), 10,
      sqliteTime(new Date(now.getTime() + 3_600_000)), sqliteTime(now), sqliteTime(now),
    );
    const list = await call('GET', '/api/queue?status=failed', root);
    expect(list.status).toBe(200);
    expect(list.body.messages.map((m: { id: number }) => m.id)).toEqual([id]);
    expect((await call('POST', `/api/queue/${id}/retry`, root)).body.message).toMatchObject({ id, status: 'retry', attempts: 3 });
    expect((await call('DELETE', `/api/queue/${id}`, root)).status).toBe(204);
    expect((await call('POST', `/api/queue/${id}/retry`, root)).status).toBe(404);
    expect((await call('DELETE', `/api/queue/${id}`, root)).status).toBe(404);
    expect((await call('GET', '/api/queue', basic('plain@example.test'))).status).toBe(403);
  });
});
