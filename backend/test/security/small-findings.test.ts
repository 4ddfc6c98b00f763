// The smaller findings, each over the real protocol: a far-future cursor, a
// DATA that would fold into our Received:, tokens after a password change,
// and where cleartext AUTH is offered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../ops/ops-helpers.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';

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

it('refuses a DATA whose first line starts with white space (it would continue our Received:), storing nothing', async () => {
  const before = (await server.chitbox.store.accounts.usage()).messagesStored;
  const { replies } = await sendRaw(server.smtpPort, 'erin@example.test', ' from forged.example by mx.chitbox.test\nSubject: x\n\nbody');
  expect(replies.at(-1)).toMatch(/^554 5\.6\.0 /);
  expect((await server.chitbox.store.accounts.usage()).messagesStored).toBe(before);
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
