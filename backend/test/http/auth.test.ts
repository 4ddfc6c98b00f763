// Accounts and the token gate: validation, conflicts, one answer for every
// bad login, and 401 for every token that is not valid right now.
import fs from 'node:fs/promises';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { dbRows } from '../support/db-peek.js';
import { onPostgres } from '../support/pg-test-db.js';

let server: TestServer;
let token: string;
let userId: number;
let secret: string;

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

function sign(expiresIn: number, overrides: jwt.SignOptions = {}, key = secret): string {
  return jwt.sign({}, key, {
    algorithm: 'HS256', subject: String(userId), expiresIn, issuer: 'chitbox', audience: 'chitbox-web', ...overrides,
  });
}

async function meWith(authorization?: string) {
  return server.api().raw('GET', '/api/auth/me', authorization === undefined ? {} : { headers: { authorization } });
}

function expectError(res: { status: number; body: any }, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  if (code) expect(res.body.error.code).toBe(code);
}

beforeAll(async () => {
  server = await startTestServer();
  const session = await server.register('Dora@Example.test');
  token = session.token;
  userId = session.user.id;
  // The generated key: a file in the data directory, or on PostgreSQL a row every instance reads.
  secret = onPostgres
    ? (await dbRows<{ value: string }>(server.dataDir, `SELECT value FROM server_secrets WHERE name = 'jwt'`))[0]!.value
    : (await fs.readFile(path.join(server.dataDir, 'jwt-secret'), 'utf8')).trim();
});

afterAll(async () => {
  await server.stop();
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 and the error shape', async () => {
    const res = await server.api().raw('POST', '/api/auth/login', {
      body: '{"email": "dora@example.test", "password": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError({ status: res.status, body: res.body }, 400);
  });

  it('validates registration: short password, long password, bad email, missing field', async () => {
    const api = server.api();
    expectError(await api.post('/api/auth/register', { email: 'short@example.test', password: 'seven77' }), 400, 'invalid_password');
    expectError(await api.post('/api/auth/register', { email: 'long@example.test', password: 'é'.repeat(37) }), 400, 'invalid_password');
    for (const email of ['not-an-email', 'two@@example.test', 'a b@example.test', '"q"@example.test']) {
      expectError(await api.post('/api/auth/register', { email, password: PASSWORD }), 400, 'invalid_email');
    }
    expectError(await api.post('/api/auth/register', { email: 'nopass@example.test' }), 400);
    // None of the refused ones exists now.
    expect((await api.post('/api/auth/login', { email: 'short@example.test', password: 'seven77' })).status).toBe(401);
  });
});

describe('registration and login', () => {
  it('stores the email lower-cased and returns a working token', async () => {
    const res = await server.api(token).get('/api/auth/me');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, email: 'dora@example.test' });
    expect(res.body.user).not.toHaveProperty('passwordHash');
  });

  it('refuses a second registration of the same address in another case with 409', async () => {
    expectError(await server.api().post('/api/auth/register', { email: 'DORA@example.TEST', password: PASSWORD }), 409, 'email_taken');
  });

  it('logs in case-insensitively', async () => {
    const res = await server.api().post('/api/auth/login', { email: 'DORA@EXAMPLE.test', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(userId);
    expect((await meWith(`Bearer ${res.body.token}`)).status).toBe(200);
  });

  it('gives a wrong password and an unknown user the same 401 invalid_credentials', async () => {
    const wrong = await server.api().post('/api/auth/login', { email: 'dora@example.test', password: 'wrong password!' });
    const unknown = await server.api().post('/api/auth/login', { email: 'nobody@example.test', password: PASSWORD });
    expectError(wrong, 401, 'invalid_credentials');
    expect(unknown.status).toBe(401);
    expect(unknown.bytes.equals(wrong.bytes)).toBe(true);
    expect(unknown.headers.get('content-type')).toBe(wrong.headers.get('content-type'));
  });
});

describe('bearer tokens', () => {
  it('accepts a token signed with the server secret (the control for the cases below)', async () => {
    expect((await meWith(`Bearer ${sign(60)}`)).status).toBe(200);
  });

  it('answers 401 with no token, garbage, or another scheme', async () => {
    expectError(await meWith(), 401);
    expectError(await meWith('Bearer garbage'), 401);
    expectError(await meWith('Bearer a.b.c'), 401);
    expectError(await meWith(`Basic ${Buffer.from('dora@example.test:x').toString('base64')}`), 401);
    expectError(await server.api().get('/api/folders'), 401);
  });

  it('answers 401 to an expired token', async () => {
    expectError(await meWith(`Bearer ${sign(-10)}`), 401, 'invalid_token');
  });

  it('answers 401 to alg:none, a foreign key, or the wrong issuer or audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: String(userId), iss: 'chitbox', aud: 'chitbox-web', iat: now, exp: now + 600 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expectError(await meWith(`Bearer ${none}`), 401);
    expectError(await meWith(`Bearer ${b64url({ alg: 'None', typ: 'JWT' })}.${b64url(claims)}.`), 401);
    expectError(await meWith(`Bearer ${sign(60, {}, 'another-secret-that-is-long-enough-0000')}`), 401, 'invalid_token');
    expectError(await meWith(`Bearer ${sign(60, { issuer: 'someone-else' })}`), 401, 'invalid_token');
    expectError(await meWith(`Bearer ${sign(60, { audience: 'another-app' })}`), 401, 'invalid_token');
    // HS512 with the right secret is still not the pinned algorithm.
    expectError(await meWith(`Bearer ${sign(60, { algorithm: 'HS512' })}`), 401, 'invalid_token');
  });

  it('answers 401 to a valid token whose user does not exist', async () => {
    const ghost = jwt.sign({}, secret, { algorithm: 'HS256', subject: '999999', expiresIn: 60, issuer: 'chitbox', audience: 'chitbox-web' });
    expectError(await meWith(`Bearer ${ghost}`), 401, 'invalid_token');
  });
});
