// Rate limits trip for a non-loopback client (127.0.0.2) with the right codes,
// and never for 127.0.0.1 by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { request, sendRaw } from './ops-helpers.js';

let server: TestServer;
const REMOTE = '127.0.0.2';

beforeAll(async () => {
  server = await startTestServer({
    RATE_LIMIT_SMTP_CONNECTIONS_PER_MINUTE: '4',
    RATE_LIMIT_SMTP_MESSAGES_PER_HOUR: '2',
    RATE_LIMIT_HTTP_PER_MINUTE: '8',
    RATE_LIMIT_AUTH_PER_IP: '6',
    RATE_LIMIT_AUTH_PER_EMAIL: '3',
    // The back-off outlasts the test, however slow the machine.
    RATE_LIMIT_AUTH_BACKOFF_MS: '600000',
  });
  await server.register('alice@example.test');
});

afterAll(async () => {
  await server.stop();
});

describe('SMTP', () => {
  it('refuses unauthenticated messages over the hourly limit at MAIL FROM with 451 4.7.1', async () => {
    for (let i = 0; i < 2; i++) {
      const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', `Subject: ${i}\n\nhi`, { localAddress: REMOTE });
      expect(replies.at(-1)).toMatch(/^250 /);
    }
    const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', 'Subject: 3\n\nhi', { localAddress: REMOTE });
    expect(replies.at(-1)).toMatch(/^451 4\.7\.1 /);
  });

  it('refuses connections over the per-minute limit with 421 4.7.0', async () => {
    // The three sessions above used 3 of 4.
    const ok = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', REMOTE);
    expect(await ok.reply()).toMatch(/^220 /);
    ok.destroy();
    const refused = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', REMOTE);
    expect(await refused.reply()).toMatch(/^421 4\.7\.0 /);
    refused.destroy();
  });

  it('never limits loopback (127.0.0.1) by default', async () => {
    for (let i = 0; i < 6; i++) {
      const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', `Subject: local ${i}\n\nhi`);
      expect(replies.at(-1)).toMatch(/^250 /);
    }
  });
});

describe('HTTP', () => {
  it('per-account back-off on login: 429 with Retry-After after repeated failures', async () => {
    const attempt = () =>
      request(server.baseUrl, 'POST', '/api/auth/login', { localAddress: REMOTE, body: { email: 'alice@example.test', password: 'wrong password' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits, from a client that never signed in to this account (login-guard.ts).
    const right = await request(server.baseUrl, 'POST', '/api/auth/login', { localAddress: REMOTE, body: { email: 'alice@example.test', password: PASSWORD } });
    expect(right.status).toBe(429);
  });

  it('API limit per IP with RateLimit headers, 429 + Retry-After over it; loopback unaffected', async () => {
    const first = await request(server.baseUrl, 'GET', '/api/folders', { localAddress: REMOTE });
    expect(first.status).toBe(401);
    expect(first.headers['ratelimit-policy']).toMatch(/^8;w=60/);
    expect(first.headers['ratelimit']).toMatch(/limit=8, remaining=\d+, reset=\d+/);
    let last = first;
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await request(server.baseUrl, 'GET', '/api/folders', { localAddress: REMOTE });
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect((await request(server.baseUrl, 'GET', '/api/folders')).status).toBe(401);
  });
});
