// /api/admin over HTTP: every endpoint's success and its 400/401/403/404/409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBlobs } from '../support/blob-census.js';
import { dbRun, sqliteTime } from '../support/db-peek.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { request, sendRaw } from './ops-helpers.js';

let server: TestServer;
let rootToken: string;
let aliceToken: string;
const basic = (user: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const call = (method: string, p: string, headers: Record<string, string> = {}, body?: unknown) =>
  request(server.baseUrl, method, p, { headers, body });

beforeAll(async () => {
  server = await startTestServer({ ADMIN_EMAILS: 'root@example.test' });
  rootToken = (await server.register('root@example.test')).token;
  aliceToken = (await server.register('alice@example.test')).token;
});

afterAll(async () => {
  await server.stop();
});

describe('admin authentication', () => {
  it('401 without or with bad credentials, 403 for a non-admin, 200 for JWT and HTTP Basic', async () => {
    expect((await call('GET', '/api/admin/stats')).status).toBe(401);
    const bad = await call('GET', '/api/admin/stats', basic('root@example.test', 'wrong password'));
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_credentials');
    const forbidden = await call('GET', '/api/admin/stats', bearer(aliceToken));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('admin_required');
    expect((await call('GET', '/api/admin/stats', basic('alice@example.test', PASSWORD))).status).toBe(403);
    expect((await call('GET', '/api/admin/stats', bearer(rootToken))).status).toBe(200);
    expect((await call('GET', '/api/admin/stats', basic('root@example.test', PASSWORD))).status).toBe(200);
  });

  it('ADMIN_EMAILS shows as role admin', async () => {
    const res = await call('GET', '/api/admin/users/root@example.test', bearer(rootToken));
    expect(res.body.user.role).toBe('admin');
  });
});

describe('GET /api/admin/stats', () => {
  it('has the operations field names', async () => {
    await sendRaw(server.smtpPort, 'alice@example.test', 'Subject: hi\n\nhello');
    const { body } = await call('GET', '/api/admin/stats', bearer(rootToken));
    expect(body.messages).toMatchObject({ received: 1, sent: 0, queued: 0, failed: 0 });
    expect(body.connections).toEqual({ current: expect.any(Number), total: expect.any(Number), rejected: 0 });
    expect(body.connections.total).toBeGreaterThanOrEqual(1);
    expect(body.authentication).toEqual({ attempts: 0, successful: 0, failed: 0 });
    expect(body.storage.messages_stored).toBe(1);
    expect(body.storage.total_size_bytes).toBeGreaterThan(0);
    expect(typeof body.storage.total_size_mb).toBe('number');
    expect(Object.keys(body.performance).sort()).toEqual(['avg_ms', 'p95_ms', 'p99_ms']);
  });
});

describe('users', () => {
  it('lists with offset, limit and total; limit over 1000 is 400', async () => {
    const res = await call('GET', '/api/admin/users?offset=0&limit=1', bearer(rootToken));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.users).toHaveLength(1);
    expect(res.body.users[0]).toMatchObject({ email: 'root@example.test', quota_mb: 1024, enabled: true });
    expect((await call('GET', '/api/admin/users?limit=1001', bearer(rootToken))).status).toBe(400);
    expect((await call('GET', '/api/admin/users', bearer(aliceToken))).status).toBe(403);
  });

  it('gets one user: 200, 404 unknown, and a user may read only themselves', async () => {
    expect((await call('GET', '/api/admin/users/alice@example.test', bearer(rootToken))).body.user.email).toBe('alice@example.test');
    expect((await call('GET', '/api/admin/users/nobody@example.test', bearer(rootToken))).status).toBe(404);
    expect((await call('GET', '/api/admin/users/alice@example.test', bearer(aliceToken))).status).toBe(200);
    expect((await call('GET', '/api/admin/users/root@example.test', bearer(aliceToken))).status).toBe(403);
  });

  it('creates: 201, 409 taken, 400 invalid, 403 for a non-admin', async () => {
    const created = await call('POST', '/api/admin/users', bearer(rootToken), { email: 'Bob@Example.test', password: PASSWORD, quota_mb: 10 });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'bob@example.test', username: 'bob', quota_mb: 10, role: 'user' });
    expect((await call('POST', '/api/admin/users', bearer(rootToken), { email: 'bob@example.test', password: PASSWORD })).status).toBe(409);
    expect((await call('POST', '/api/admin/users', bearer(rootToken), { email: 'not-an-address', password: PASSWORD })).status).toBe(400);
    expect((await call('POST', '/api/admin/users', bearer(rootToken), { email: 'x@example.test', password: 'short' })).status).toBe(400);
    expect((await call('POST', '/api/admin/users', bearer(rootToken), { email: 'y@example.test', password: PASSWORD, extra: 1 })).status).toBe(400);
    expect((await call('POST', '/api/admin/users', bearer(aliceToken), { email: 'z@example.test', password: PASSWORD })).status).toBe(403);
    const login = await server.api().post('/api/auth/login', { email: 'bob@example.test', password: PASSWORD });
    expect(login.status).toBe(200);
  });

  it('updates: a user changes their own name but not their role or quota', async () => {
    const own = await call('PUT', '/api/admin/users/alice@example.test', bearer(aliceToken), { name: 'Alice A.' });
    expect(own.status).toBe(200);
    expect(own.body.user.name).toBe('Alice A.');
    const role = await call('PUT', '/api/admin/users/alice@example.test', bearer(aliceToken), { role: 'admin' });
    expect(role.status).toBe(403);
    expect(role.body.error.code).toBe('role_change_forbidden');
    expect((await call('PUT', '/api/admin/users/alice@example.test', bearer(aliceToken), { quota_mb: 99999 })).status).toBe(403);
    expect((await call('PUT', '/api/admin/users/bob@example.test', bearer(aliceToken), { name: 'x' })).status).toBe(403);
  });

  it('updates: 200 for an admin, 404 unknown, 409 email taken, 400 bad body', async () => {
    const res = await call('PUT', '/api/admin/users/bob@example.test', bearer(rootToken), { quota_mb: 20, email: 'robert@example.test' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: 'robert@example.test', quota_mb: 20 });
    expect((await call('PUT', '/api/admin/users/bob@example.test', bearer(rootToken), { quota_mb: 1 })).status).toBe(404);
    expect((await call('PUT', '/api/admin/users/robert@example.test', bearer(rootToken), { email: 'alice@example.test' })).status).toBe(409);
    expect((await call('PUT', '/api/admin/users/robert@example.test', bearer(rootToken), { quota_mb: -1 })).status).toBe(400);
    expect((await call('PUT', '/api/admin/users/robert@example.test', bearer(rootToken), { enabled: 'no' })).status).toBe(400);
  });

  it('a disabled user cannot sign in (403 account_disabled), their token stops working, and mail to them is 550 5.2.1', async () => {
    const token = (await server.api().post('/api/auth/login', { email: 'robert@example.test', password: PASSWORD })).body.token as string;
    expect((await call('PUT', '/api/admin/users/robert@example.test', bearer(rootToken), { enabled: false })).status).toBe(200);
    const login = await server.api().post('/api/auth/login', { email: 'robert@example.test', password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('account_disabled');
    // A wrong password is still the plain 401, so disabling reveals nothing.
    expect((await server.api().post('/api/auth/login', { email: 'robert@example.test', password: 'wrong password' })).status).toBe(401);
    expect((await server.api(token).get('/api/folders')).status).toBe(401);
    const { replies } = await sendRaw(server.smtpPort, 'robert@example.test', 'Subject: x\n\ny');
    expect(replies.at(-1)).toMatch(/^550 5\.2\.1 /);
    expect((await call('PUT', '/api/admin/users/robert@example.test', bearer(rootToken), { enabled: true })).status).toBe(200);
    expect((await server.api().post('/api/auth/login', { email: 'robert@example.test', password: PASSWORD })).status).toBe(200);
  });

  it('an admin cannot demote or delete themselves (409)', async () => {
    expect((await call('DELETE', '/api/admin/users/root@example.test', bearer(rootToken))).status).toBe(409);
    expect((await call('POST', '/api/admin/users', bearer(rootToken), { email: 'boss@example.test', password: PASSWORD, role: 'admin' })).status).toBe(201);
    const boss = (await server.api().post('/api/auth/login', { email: 'boss@example.test', password: PASSWORD })).body.token as string;
    expect((await call('PUT', '/api/admin/users/boss@example.test', bearer(boss), { role: 'user' })).status).toBe(409);
  });

  it('deletes a user with their mail; a blob another user still needs stays, the last reference removes it', async () => {
    await call('POST', '/api/admin/users', bearer(rootToken), { email: 'carol@example.test', password: PASSWORD });
    const client = await import('../support/smtp-line-client.js').then((m) => m.SmtpLineClient.connect(server.smtpPort));
    await client.reply();
    for (const c of ['EHLO t', 'MAIL FROM:<x@remote.test>', 'RCPT TO:<carol@example.test>', 'RCPT TO:<robert@example.test>', 'DATA']) await client.command(c);
    client.write('Subject: shared\r\n\r\nshared body for two\r\n.\r\n');
    expect(await client.reply()).toMatch(/^250 /);
    client.destroy();
    const blobs = async () => {
      const { files, rows } = await storedBlobs(server.dataDir);
      return files.length + rows.length;
    };
    const before = await blobs();
    expect((await call('DELETE', '/api/admin/users/carol@example.test', bearer(rootToken))).status).toBe(204);
    expect(await blobs()).toBe(before);
    expect((await call('DELETE', '/api/admin/users/robert@example.test', bearer(rootToken))).status).toBe(204);
    expect(await blobs()).toBe(before - 1);
    expect((await call('DELETE', '/api/admin/users/robert@example.test', bearer(rootToken))).status).toBe(404);
    expect((await call('DELETE', '/api/admin/users/alice@example.test', bearer(aliceToken))).status).toBe(403);
    expect((await server.api().post('/api/auth/login', { email: 'robert@example.test', password: PASSWORD })).status).toBe(401);
  });
});

describe('queue', () => {
  const sha = 'a'.repeat(64);
  // Rows in states no API makes on demand, planted in the database.
  const addRow = async (status: string) => {
    const now = new Date();
    const id = await dbRun(
      server.dataDir,
      `INSERT INTO outbound_queue (user_id, mail_from, recipients, raw_sha256, size_bytes, status, attempts, next_attempt_at, last_error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      1, 'root@example.test', JSON.stringify(['x@remote.test']), sha, 10, status,
      sqliteTime(new Date(Date.now() + 3_600_000)), status === 'failed' ? '550 no such user' : null, sqliteTime(now), sqliteTime(now),
    );
    return { id };
  };

  it('lists by status (400 for an unknown status, 403 for a non-admin)', async () => {
    const failed = await addRow('failed');
    await addRow('retry');
    const res = await call('GET', '/api/admin/queue?status=failed', bearer(rootToken));
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m: { id: number }) => m.id)).toEqual([failed.id]);
    expect(res.body.messages[0]).toMatchObject({ status: 'failed', recipients: ['x@remote.test'], last_error: '550 no such user', attempts: 0 });
    expect((await call('GET', '/api/admin/queue', bearer(rootToken))).body.total).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/api/admin/queue?status=bogus', bearer(rootToken))).status).toBe(400);
    expect((await call('GET', '/api/admin/queue', bearer(aliceToken))).status).toBe(403);
  });

  it('retries: 200, 404 unknown, 409 already sent, 400 bad id', async () => {
    const failed = await addRow('failed');
    const res = await call('POST', `/api/admin/queue/${failed.id}/retry`, bearer(rootToken));
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: failed.id, status: 'retry' });
    expect((await call('POST', '/api/admin/queue/999999/retry', bearer(rootToken))).status).toBe(404);
    const sent = await addRow('sent');
    expect((await call('POST', `/api/admin/queue/${sent.id}/retry`, bearer(rootToken))).status).toBe(409);
    expect((await call('POST', '/api/admin/queue/abc/retry', bearer(rootToken))).status).toBe(400);
  });

  it('deletes: 204, then 404; 409 while being sent', async () => {
    const failed = await addRow('failed');
    expect((await call('DELETE', `/api/admin/queue/${failed.id}`, bearer(rootToken))).status).toBe(204);
    expect((await call('DELETE', `/api/admin/queue/${failed.id}`, bearer(rootToken))).status).toBe(404);
    const sending = await addRow('sending');
    expect((await call('DELETE', `/api/admin/queue/${sending.id}`, bearer(rootToken))).status).toBe(409);
  });
});
