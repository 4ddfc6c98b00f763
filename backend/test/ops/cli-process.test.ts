// The CLI as the process an operator runs (`npm run cli`, cli-main.ts): what
// only a process shows. Exit codes as the shell sees them, the answer on
// stdout and errors on stderr, a password read from real standard input, a
// bad configuration refused with 78, and a second process writing to the
// database a running server uses. The commands' behaviour is tested in
// process (cli-quota.test.ts, cli-forms.test.ts): a process costs a second of
// CPU loading modules.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { runCli } from './ops-helpers.js';

let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-cli-process-'));
  env = { DATA_DIR: dataDir };
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('the CLI process, before the database', { timeout: 90_000 }, () => {
  it('--help: exit 0, the usage on stdout only', async () => {
    const r = await runCli(['--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run cli -- user <command>/);
    expect(r.stderr).toBe('');
  });

  it('a command line it cannot take: exit 2, the error and the usage on stderr, nothing on stdout', async () => {
    const r = await runCli(['user', 'explode'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: unknown command "user explode"\n\nUsage: npm run cli -- user <command>/);
    expect(r.stdout).toBe('');
  });

  it('a bad configuration: exit 78, the setting named on stderr', async () => {
    const r = await runCli(['user', 'list'], { ...env, BCRYPT_COST: '99' });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^Invalid configuration:\n {2}BCRYPT_COST: /);
    expect(r.stdout).toBe('');
  });
});

describe('the CLI process while the server runs on the same database', { timeout: 90_000 }, () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({}, dataDir);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('create with the password on standard input: exit 0, the answer on stdout, and the server signs the user in at once', async () => {
    const r = await runCli(['user', 'create', 'dana@example.test', '--password-stdin', '--json'], env, `${PASSWORD}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).user).toMatchObject({ email: 'dana@example.test', username: 'dana' });
    expect((await server.api().post('/api/auth/login', { email: 'dana@example.test', password: PASSWORD })).status).toBe(200);
  });

  it('a command that fails: exit 1, the error on stderr only', async () => {
    const r = await runCli(['user', 'create', 'dana@example.test', '--password', PASSWORD], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: an account with this email already exists\n');
    expect(r.stdout).toBe('');
  });

  it('a wrong password from standard input: exit 1, the verdict on stdout', async () => {
    const r = await runCli(['user', 'verify', 'dana@example.test', '--password-stdin'], env, 'not the password\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Password does NOT match for dana@example.test.\n');
    expect(r.stderr).toBe('');
  });
});
