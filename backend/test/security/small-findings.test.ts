// The smaller findings, each over the real protocol: a far-future cursor, a
// DATA that would fold into our Received:, tokens after a password change,
// and where cleartext AUTH is offered.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request, sendRaw } from '../ops/ops-helpers.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.register('erin@example.test')).token;
});

afterAll(async () => {
  await server.stop();
});

async function inboxId(api: ReturnType<TestServer['api']>): Promise<number> {
  return (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox').id;
}

it('answers 400 invalid_cursor to a cursor far in the future', async () => {
  const api = server.api(token);
  const cursor = Buffer.from('999999999999999:1').toString('base64url');
  const res = await api.get(`/api/folders/${await inboxId(api)}/messages?cursor=${cursor}`);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_cursor');
  const threads = await api.get(`/api/folders/${await inboxId(api)}/threads?cursor=${cursor}`);
  expect(threads.status).toBe(400);
});

it('keeps a DATA whose first line starts with white space out of our Received: (the next field takes it), bytes unchanged', async () => {
  const body = ' from forged.example by mx.chitbox.test\nSubject: x\n\nbody';
  const { replies } = await sendRaw(server.smtpPort, 'erin@example.test', body);
  expect(replies.at(-1)).toMatch(/^250 /);
  const id = Number(/stored as (\d+)/.exec(replies.at(-1)!)![1]);
  const raw = (await server.api(token).raw('GET', `/api/messages/${id}/raw`)).bytes.toString('latin1');
  const unfolded = raw.replace(/\r\n[ \t]/g, ' ').split('\r\n');
  expect(unfolded[0]).toMatch(/^Received: from client\.test /);
  expect(unfolded[0]).not.toContain('forged');
  expect(unfolded[1]).toBe('X-ChitBox-Folded-Start: from forged.example by mx.chitbox.test');
  expect(raw.endsWith(body.replace(/\n/g, '\r\n') + '\r\n')).toBe(true);
});

describe('tokens', () => {
  it('stop working when the password changes; a new sign-in works', async () => {
    const session = await server.register('frank@example.test');
    const api = server.api(session.token);
    expect((await api.get('/api/auth/me')).status).toBe(200);
    const changed = await api.raw('PUT', '/api/admin/users/frank@example.test', {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'a brand new password' }),
    });
    expect(changed.status).toBe(200);
    expect((await api.get('/api/auth/me')).status).toBe(401);
    const login = await server.api().post('/api/auth/login', { email: 'frank@example.test', password: 'a brand new password' });
    expect(login.status).toBe(200);
    expect((await server.api(login.body.token).get('/api/auth/me')).status).toBe(200);
    expect((await server.api().post('/api/auth/login', { email: 'frank@example.test', password: PASSWORD })).status).toBe(401);
  });
});

describe('cleartext AUTH', () => {
  const ehlo = async (from: string) => {
    const c = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', from);
    await c.reply(30_000);
    const reply = await c.command('EHLO client.test', 30_000);
    const auth = await c.command('AUTH PLAIN AGVyaW5AZXhhbXBsZS50ZXN0AHg=', 30_000);
    c.destroy();
    return { reply, auth };
  };

  it('is not offered to a client off this host without TLS, and refused if tried; this host gets it', async () => {
    const remote = await ehlo('127.0.0.2');
    expect(remote.reply).not.toMatch(/AUTH/);
    expect(remote.auth).toMatch(/^5\d\d /);
    expect(remote.auth).not.toMatch(/^535/);
    const local = await ehlo('127.0.0.1');
    expect(local.reply).toMatch(/250[- ]AUTH PLAIN LOGIN/);
    expect(local.auth).toMatch(/^535 5\.7\.8 /);
  });
});

describe('TRUST_PROXY', () => {
  const metricsFrom = (s: TestServer, from: string, forwardedFor: string) =>
    request(s.baseUrl, 'GET', '/metrics', { localAddress: from, headers: { 'x-forwarded-for': forwardedFor } });

  it('ignores X-Forwarded-For from a 127/8 client that is not a configured proxy', async () => {
    const res = await metricsFrom(server, '127.0.0.2', '127.0.0.1');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('metrics_forbidden');
  });

  it('honours it from a configured proxy', async () => {
    const proxied = await startTestServer({ TRUST_PROXY: '127.0.0.2' });
    try {
      expect((await metricsFrom(proxied, '127.0.0.2', '127.0.0.1')).status).toBe(200);
      expect((await metricsFrom(proxied, '127.0.0.2', '203.0.113.9')).status).toBe(403);
    } finally {
      await proxied.stop();
    }
  });
});
