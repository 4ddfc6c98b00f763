// More AUTH failures than RATE_LIMIT_AUTH_PER_IP from one non-loopback IP get
// 454 4.7.0 without a password check; loopback is never rate limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthGuard } from '../../src/core/auth-guard.js';
import { LoginGuard } from '../../src/core/login-guard.js';
import { AppError } from '../../src/shared/app-error.js';
import { toSmtpError } from '../../src/smtp/smtp-replies.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { plainAuth } from './sending-helpers.js';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as AppError).code;
  }
};

describe('AuthGuard', () => {
  it('answers 454 after ten failures a minute from one IP, skipping the password check, then recovers', async () => {
    let now = 1_000_000;
    const guard = new AuthGuard(new LoginGuard({ perIp: 10, windowMs: 60_000, freeFailures: 0, now: () => now }));
    let checks = 0;
    const bad = async () => {
      checks++;
      return null;
    };
    for (let i = 0; i < 10; i++) expect(await codeOf(guard.attempt(`c${i}`, '203.0.113.7', 'a@x.test', bad))).toBe('auth_failed');
    expect(checks).toBe(10);
    expect(await codeOf(guard.attempt('c-next', '203.0.113.7', 'a@x.test', async () => ({ id: 1 })))).toBe('auth_rate_limited');
    expect(checks).toBe(10);
    // Another address is not affected.
    expect(await codeOf(guard.attempt('c-other', '198.51.100.1', 'a@x.test', async () => ({ id: 1 })))).toBe('ok');
    now += 61_000;
    expect(await codeOf(guard.attempt('c-later', '203.0.113.7', 'a@x.test', async () => ({ id: 1 })))).toBe('ok');
  });

  it('never rate limits loopback, but still closes a connection on its third failure', async () => {
    const guard = new AuthGuard(new LoginGuard({ perIp: 10, freeFailures: 3 }));
    for (let i = 0; i < 30; i++) expect(await codeOf(guard.attempt(`l${i}`, '127.0.0.1', 'a@x.test', async () => null))).toBe('auth_failed');
    expect(await codeOf(guard.attempt('x', '::ffff:127.0.0.1', 'a@x.test', async () => null))).toBe('auth_failed');
    expect(await codeOf(guard.attempt('x', '::ffff:127.0.0.1', 'a@x.test', async () => null))).toBe('auth_failed');
    expect(await codeOf(guard.attempt('x', '::ffff:127.0.0.1', 'a@x.test', async () => null))).toBe('auth_locked');
  });

  it('maps the refusals to 535 5.7.8, 421 4.7.0 and 454 4.7.0', () => {
    const reply = (code: string) => {
      const e = toSmtpError(new AppError('unauthorized', code, 'x'));
      return `${e.responseCode} ${e.message.slice(0, 5)}`;
    };
    expect(reply('auth_failed')).toBe('535 5.7.8');
    expect(reply('auth_locked')).toBe('421 4.7.0');
    expect(reply('auth_rate_limited')).toBe('454 4.7.0');
  });
});

// Over a real socket bound to 127.0.0.2: only 127.0.0.1 and ::1 are exempt
// from the per-IP limits, so this client is treated like a remote one.
const CLIENT_ADDRESS = '127.0.0.2';

describe('SMTP AUTH from a non-exempt address', () => {
  let server: TestServer;
  const clients: SmtpLineClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ SMTP_ALLOW_INSECURE_AUTH: 'true', RATE_LIMIT_AUTH_PER_IP: '10' });
    await server.register('alice@example.test');
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('gets 454 4.7.0 once the address has failed 10 times in the window, even with the right password', async () => {
    const replies: string[] = [];
    for (let conn = 0; conn < 6; conn++) {
      const c = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', CLIENT_ADDRESS);
      clients.push(c);
      await c.reply();
      await c.command('EHLO client.test');
      for (let i = 0; i < 2; i++) replies.push(await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', 'wrong password')}`));
      c.destroy();
    }
    expect(replies.slice(0, 10).every((r) => /^535 5\.7\.8 /.test(r))).toBe(true);
    expect(replies[10]).toMatch(/^454 4\.7\.0 /);
    const c = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', CLIENT_ADDRESS);
    clients.push(c);
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command(`AUTH PLAIN ${plainAuth('alice@example.test', PASSWORD)}`)).toMatch(/^454 4\.7\.0 /);
  });
});
