// Two ChitBox instances in this process sharing one Redis (through a proxy
// the test can take down): an event caused on one reaches the user's socket
// on the other, the HTTP rate limit counts both instances' requests, /health
// names the instance and Redis's state, and with Redis away mail is still
// accepted and stored, with events back on every instance once it returns.
// (Each instance has its own SQLite database here; the PostgreSQL test runs
// real processes on one database.)
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../sending/relay-sink.js';
import { dropKeys, redisUnavailable, startRedisProxy, testPrefix, type RedisProxy } from '../support/redis-fixture.js';
import { collectEvents, startTestServer, type TestServer } from '../support/test-server.js';

const unavailable = await redisUnavailable();
if (unavailable) console.warn(`skipping the two-instance Redis tests: ${unavailable}`);

const HTTP_LIMIT = 40;

describe.skipIf(unavailable !== null)('two instances sharing Redis', () => {
  const keyPrefix = testPrefix();
  let proxy: RedisProxy;
  let a: TestServer;
  let b: TestServer;
  let socketOnB: Socket;
  let socketOnA: Socket;
  let onB: any[];
  let onA: any[];

  const env = (instance: string) => ({
    REDIS_URL: proxy.url, REDIS_KEY_PREFIX: keyPrefix, INSTANCE_ID: instance,
    JWT_SECRET: 'a-secret-both-instances-share-0123456789',
    RATE_LIMIT_LOOPBACK_EXEMPT: 'false', RATE_LIMIT_HTTP_PER_MINUTE: String(HTTP_LIMIT),
    RATE_LIMIT_AUTH_PER_IP: '100', RATE_LIMIT_SMTP_CONNECTIONS_PER_MINUTE: '0', RATE_LIMIT_SMTP_MESSAGES_PER_HOUR: '0',
  });
  const send = (server: TestServer, subject: string) =>
    server.mailer().sendMail({ from: 'alice@remote.test', to: 'bob@example.test', subject, text: 'across instances' });
  // /health is not under /api: it does not count against the limit.
  const health = async (server: TestServer) => (await fetch(`${server.baseUrl}/health`)).json() as Promise<any>;

  beforeAll(async () => {
    proxy = await startRedisProxy();
    a = await startTestServer(env('instance-a'));
    b = await startTestServer(env('instance-b'));
    // The same user, id 1, in each instance's own database.
    const onAToken = (await a.register('bob@example.test')).token;
    const onBToken = (await b.register('bob@example.test')).token;
    socketOnA = await a.socket(onAToken);
    socketOnB = await b.socket(onBToken);
    onA = collectEvents(socketOnA, 'new_email');
    onB = collectEvents(socketOnB, 'new_email');
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await proxy?.close();
    await dropKeys(keyPrefix);
  });

  it('delivers new_email for mail taken in by A to the socket on B', async () => {
    await send(a, 'taken in by A');
    await waitFor(() => onB.some((e) => e.email.subject === 'taken in by A'), 'new_email on B');
    await waitFor(() => onA.some((e) => e.email.subject === 'taken in by A'), 'new_email on A');
  });

  it('reports the instance, the database engine and Redis on /health', async () => {
    expect(await health(a)).toMatchObject({ status: 'healthy', instance: 'instance-a', database: process.env.CHITBOX_TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite', redis: 'up' });
    expect(await health(b)).toMatchObject({ instance: 'instance-b', redis: 'up' });
  });

  it('counts API requests to either instance against one per-minute limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; statuses.at(-1) !== 429 && i < 2 * HTTP_LIMIT; i++) {
      statuses.push((await (i % 2 ? a : b).api().get('/api/auth/me')).status);
    }
    const allowed = statuses.filter((s) => s !== 429).length;
    // Both registrations and these requests share the one budget of HTTP_LIMIT.
    expect(allowed + 2).toBe(HTTP_LIMIT);
    expect((await a.api().get('/api/auth/me')).status).toBe(429);
    expect((await b.api().get('/api/auth/me')).status).toBe(429);
  });

  it('takes in and stores mail while Redis is away, and events reach B again once it is back', async () => {
    await proxy.down();
    await waitFor(async () => (await health(a)).redis === 'down', '/health to say redis down');
    const report = await health(a);
    expect(report).toMatchObject({ status: 'degraded', problems: ['redis'] });
    const info = await send(a, 'while Redis is away');
    expect(info.response).toMatch(/^250 /);
    // A's own socket still hears of it.
    await waitFor(() => onA.some((e) => e.email.subject === 'while Redis is away'), 'new_email on A while Redis is away');

    await proxy.up();
    await waitFor(async () => (await health(a)).redis === 'up' && (await health(b)).redis === 'up', 'Redis back on both', 30_000);
    // Subscriptions are renewed as the connection comes back: send until B hears again.
    let n = 0;
    await waitFor(async () => {
      if (onB.some((e) => e.email.subject.startsWith('after Redis came back'))) return true;
      await send(a, `after Redis came back ${n++}`);
      return false;
    }, 'new_email on B after Redis came back', 30_000);
    expect(onB.some((e) => e.email.subject === 'while Redis is away')).toBe(false);
  });
});
