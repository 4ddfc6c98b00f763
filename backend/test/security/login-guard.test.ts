// Password checks are counted before they run (a burst gets no more checks
// than the limit), per IP and per account; per account with a back-off that a
// client which signed in before does not feel.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginGuard } from '../../src/core/login-guard.js';
import { request } from '../ops/ops-helpers.js';
import { plainAuth } from '../sending/sending-helpers.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { gatedVerify } from '../support/gated-verify.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });


describe('LoginGuard', () => {
  it('gives 40 simultaneous attempts from one IP exactly perIp password checks', async () => {
    const guard = new LoginGuard({ perIp: 10, freeFailures: 0 });
    const v = gatedVerify();
    const all = Array.from({ length: 40 }, (_, i) => guard.attempt('203.0.113.9', `user${i}@x.test`, v.verify));
    v.release();
    const outcomes = await Promise.all(all);
    expect(v.checks()).toBe(10);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'ip_limited')).toHaveLength(30);
  });

  it('slows one account attacked from many IPs with a doubling delay instead of locking it', async () => {
    let now = 0;
    const guard = new LoginGuard({ perIp: 100, freeFailures: 5, backoffBaseMs: 1_000, backoffMaxMs: 60_000, now: () => now });
    const v = gatedVerify();
    const burst = Array.from({ length: 31 }, (_, i) => guard.attempt(`198.51.100.${i}`, 'ceo@x.test', v.verify));
    v.release();
    await Promise.all(burst);
    expect(v.checks()).toBe(5);
    // Each further check waits longer: 1 s, then 2 s, then 4 s...
    const failOnce = (ip: string) => guard.attempt(ip, 'ceo@x.test', v.verify);
    const checksAfter: number[] = [];
    for (const wait of [1_000, 2_000, 4_000]) {
      now += wait - 1;
      const early = await guard.attempt('192.0.2.1', 'ceo@x.test', v.verify);
      expect(early).toMatchObject({ ok: false, reason: 'account_backoff' });
      now += 1;
      const before = v.checks();
      await failOnce('192.0.2.2');
      if (v.checks() === before + 1) checksAfter.push(now);
    }
    expect(checksAfter).toEqual([1_000, 3_000, 7_000]);
  });

  it('lets the right password through from a client that signed in before, while strangers wait', async () => {
    let now = 0;
    const guard = new LoginGuard({ perIp: 100, freeFailures: 3, now: () => now });
    const user = { id: 1 };
    expect(await guard.attempt('192.0.2.10', 'dora@x.test', async () => user)).toEqual({ ok: true, user });
    for (let i = 0; i < 20; i++) await guard.attempt(`198.51.100.${i}`, 'dora@x.test', async () => null);
    now += 1;
    expect(await guard.attempt('192.0.2.10', 'dora@x.test', async () => user)).toEqual({ ok: true, user });
    expect(await guard.attempt('192.0.2.11', 'dora@x.test', async () => user)).toMatchObject({ ok: false, reason: 'account_backoff' });
  });
});

describe('over HTTP and SMTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      SMTP_ALLOW_INSECURE_AUTH: 'true', RATE_LIMIT_AUTH_PER_IP: '10', RATE_LIMIT_AUTH_PER_EMAIL: '3', RATE_LIMIT_AUTH_BACKOFF_MS: '600000',
      // 40 sessions from one address: above the default per-IP cap of open sessions.
      SMTP_MAX_CONNECTIONS_PER_IP: '0',
    });
    await server.register('dora@example.test');
    await server.register('smtp@example.test');
  });

  afterAll(async () => {
    await server.stop();
  });

  const login = (from: string, password: string) =>
    request(server.baseUrl, 'POST', '/api/auth/login', { localAddress: from, body: { email: 'dora@example.test', password } });

  it('a stranger failing from many IPs cannot lock the owner out of login: back-off with Retry-After for new clients only', async () => {
    expect((await login('127.0.0.9', PASSWORD)).status).toBe(200);
    for (let i = 20; i < 26; i++) await login(`127.0.0.${i}`, 'wrong password');
    const stranger = await login('127.0.0.30', PASSWORD);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error.code).toBe('rate_limited');
    expect(Number(stranger.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('127.0.0.9', PASSWORD)).status).toBe(200);
  });

  it('40 AUTH commands in parallel from one IP get 10 password checks (535), the rest 454 without one', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, async () => {
      const c = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', '127.0.0.3');
      await c.reply(30_000);
      await c.command('EHLO client.test', 30_000);
      return c;
    }));
    try {
      const replies = await Promise.all(clients.map((c, i) => c.command(`AUTH PLAIN ${plainAuth(`user${i}@example.test`, 'wrong password')}`, 60_000)));
      expect(replies.filter((r) => r.startsWith('535 5.7.8'))).toHaveLength(10);
      expect(replies.filter((r) => r.startsWith('454 4.7.0'))).toHaveLength(30);
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
