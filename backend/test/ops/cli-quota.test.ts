// The user CLI end to end against a real database file, alone and while the
// server runs on it; quotas enforced over SMTP (552 5.2.2). The commands run
// in this process, each opening and closing its own core the way cli-main.ts
// does; cli-process.test.ts runs the real process beside a running server.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { runCliInProcess, sendRaw } from './ops-helpers.js';

let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-cli-'));
  env = { DATA_DIR: dataDir };
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('CLI on a database with no server running', { timeout: 90_000 }, () => {
  it('creates a user with the expected output', async () => {
    const r = await runCliInProcess(['user', 'create', 'Alice@Example.test', '--password', PASSWORD, '--name', 'Alice'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^User created successfully:\n {2}Username: +alice\n {2}Email: +alice@example\.test\n {2}ID: +\d+\n/);
  });

  it('generates a password when none is given, and --admin makes an admin (--json)', async () => {
    const r = await runCliInProcess(['user', 'create', 'root@example.test', '--admin', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.user).toMatchObject({ email: 'root@example.test', role: 'admin', username: 'root' });
    expect(out.password).toMatch(/^\S{12,}$/);
  });

  it('lists, shows info, verifies passwords', async () => {
    const list = await runCliInProcess(['user', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).total).toBe(2);
    const human = await runCliInProcess(['user', 'list'], env);
    expect(human.stdout).toContain('alice@example.test');
    const info = await runCliInProcess(['user', 'info', 'alice@example.test'], env);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/Quota: +1024 MB \(default\)/);
    expect((await runCliInProcess(['user', 'verify', 'alice@example.test', '--password-stdin'], env, `${PASSWORD}\n`)).code).toBe(0);
    const wrong = await runCliInProcess(['user', 'verify', 'alice@example.test', '--password', 'not the password'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/does NOT match/);
  });

  it('fails clearly with a non-zero exit on bad input', async () => {
    const dup = await runCliInProcess(['user', 'create', 'alice@example.test', '--password', PASSWORD], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^Error: an account with this email already exists/);
    const unknown = await runCliInProcess(['user', 'info', 'ghost@example.test'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Error: user ghost@example\.test not found/);
    const badEmail = await runCliInProcess(['user', 'create', 'nope', '--password', PASSWORD], env);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toMatch(/email must be/);
    const badQuota = await runCliInProcess(['user', 'set-quota', 'alice@example.test', 'lots'], env);
    expect(badQuota.code).toBe(2);
    expect(badQuota.stderr).toMatch(/quota must be a whole number/);
    const badCommand = await runCliInProcess(['user', 'explode'], env);
    expect(badCommand.code).toBe(2);
    expect(badCommand.stderr).toMatch(/unknown command "user explode"/);
    expect((await runCliInProcess(['user', 'update-password', 'alice@example.test'], env)).code).toBe(2);
  });
});

describe('CLI while the server runs on the same database', { timeout: 90_000 }, () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({}, dataDir);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('a user created by the CLI can sign in at once; update-password takes effect', async () => {
    expect((await runCliInProcess(['user', 'create', 'bob@example.test', '--password', PASSWORD], env)).code).toBe(0);
    expect((await server.api().post('/api/auth/login', { email: 'bob@example.test', password: PASSWORD })).status).toBe(200);
    expect((await runCliInProcess(['user', 'update-password', 'bob@example.test', '--password', 'a brand new password'], env)).code).toBe(0);
    expect((await server.api().post('/api/auth/login', { email: 'bob@example.test', password: PASSWORD })).status).toBe(401);
    expect((await server.api().post('/api/auth/login', { email: 'bob@example.test', password: 'a brand new password' })).status).toBe(200);
  });

  it('disable / enable: login 403 and SMTP 550 5.2.1 while disabled', async () => {
    expect((await runCliInProcess(['user', 'disable', 'bob@example.test'], env)).stdout).toMatch(/^User disabled:/);
    expect((await server.api().post('/api/auth/login', { email: 'bob@example.test', password: 'a brand new password' })).status).toBe(403);
    expect((await sendRaw(server.smtpPort, 'bob@example.test', 'Subject: x\n\ny')).replies.at(-1)).toMatch(/^550 5\.2\.1 /);
    expect((await runCliInProcess(['user', 'enable', 'bob@example.test'], env)).code).toBe(0);
    expect((await sendRaw(server.smtpPort, 'bob@example.test', 'Subject: x\n\ny')).replies.at(-1)).toMatch(/^250 /);
  });

  it('quota: 552 5.2.2 at DATA when the message does not fit, and at RCPT once full', async () => {
    expect((await runCliInProcess(['user', 'set-quota', 'bob@example.test', '1'], env)).code).toBe(0);
    const big = `Subject: big\n\n${'y'.repeat(76)}\n`.repeat(9000); // ~700 KB
    expect((await sendRaw(server.smtpPort, 'bob@example.test', big)).replies.at(-1)).toMatch(/^250 /);
    expect((await sendRaw(server.smtpPort, 'bob@example.test', big)).replies.at(-1)).toMatch(/^552 5\.2\.2 /);
    const info = JSON.parse((await runCliInProcess(['user', 'info', 'bob@example.test', '--json'], env)).stdout);
    expect(info.user.used_bytes).toBeGreaterThan(690_000);
    expect((await runCliInProcess(['user', 'set-quota', 'bob@example.test', '0'], env)).code).toBe(0); // unlimited
    expect((await sendRaw(server.smtpPort, 'bob@example.test', big)).replies.at(-1)).toMatch(/^250 /);
    // Now 1.4 MB used: with a 1 MB quota the mailbox is full already at RCPT.
    expect((await runCliInProcess(['user', 'set-quota', 'bob@example.test', '1'], env)).code).toBe(0);
    const c = await SmtpLineClient.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO t');
    await c.command('MAIL FROM:<x@remote.test>');
    expect(await c.command('RCPT TO:<bob@example.test>')).toMatch(/^552 5\.2\.2 /);
    c.destroy();
    expect((await runCliInProcess(['user', 'set-quota', 'bob@example.test', 'default'], env)).code).toBe(0);
  });

  it('quota is checked inside the commit: of two messages that fit only one at a time, sent at once, one is refused', async () => {
    expect((await runCliInProcess(['user', 'create', 'carol@example.test', '--password', PASSWORD], env)).code).toBe(0);
    expect((await runCliInProcess(['user', 'set-quota', 'carol@example.test', '1'], env)).code).toBe(0);
    const body = (tag: string) => `Subject: ${tag}\n\n${`${'z'.repeat(76)}\n`.repeat(7800)}`; // ~600 KB each, 1 MB quota
    const results = await Promise.all([sendRaw(server.smtpPort, 'carol@example.test', body('one')), sendRaw(server.smtpPort, 'carol@example.test', body('two'))]);
    const finals = results.map((r) => r.replies.at(-1) ?? '').sort();
    expect(finals[0]).toMatch(/^250 /);
    expect(finals[1]).toMatch(/^552 5\.2\.2 /);
    const info = JSON.parse((await runCliInProcess(['user', 'info', 'carol@example.test', '--json'], env)).stdout);
    expect(info.user.used_bytes).toBeGreaterThan(590_000);
    expect(info.user.used_bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('delete removes the account for the running server too', async () => {
    const r = await runCliInProcess(['user', 'delete', 'bob@example.test'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^User deleted: bob@example\.test/);
    expect((await server.api().post('/api/auth/login', { email: 'bob@example.test', password: 'a brand new password' })).status).toBe(401);
    expect((await sendRaw(server.smtpPort, 'bob@example.test', 'Subject: x\n\ny')).replies.at(-1)).toMatch(/^550 5\.1\.1 /);
  });

  it('promote makes an admin the admin API accepts', async () => {
    expect((await runCliInProcess(['user', 'promote', 'alice@example.test'], env)).stdout).toMatch(/^User promoted to admin:/);
    const { token } = (await server.api().post('/api/auth/login', { email: 'alice@example.test', password: PASSWORD })).body;
    expect((await server.api(token).get('/api/admin/stats')).status).toBe(200);
  });
});
