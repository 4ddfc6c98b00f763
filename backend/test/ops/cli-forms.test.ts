// The seed's command-line forms (CONTRACT.md "Seed forms that must keep
// working"), through the CLI's own runCli and opener on a real database file,
// in this process (cli-process.test.ts runs the real process). Positional
// passwords, create <username> <email> <password>, a user named by username
// or email everywhere, and every argument a command does not take refused
// with usage and exit 2.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/cli-args.js';
import { checkUserCommand } from '../../src/cli/user-command-args.js';
import { runCliInProcess } from './ops-helpers.js';

let dataDir: string;
let env: Record<string, string>;
const cli = (args: string[], stdin?: string) => runCliInProcess(['user', ...args], env, stdin);

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-cli-forms-'));
  env = { DATA_DIR: dataDir };
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('seed forms', { timeout: 120_000 }, () => {
  it('create <email> <password> keeps the password given', async () => {
    const created = await cli(['create', 'alice@x.test', 'a long password', '--json']);
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out.user).toMatchObject({ email: 'alice@x.test', username: 'alice' });
    expect(out.password).toBeUndefined();
    expect((await cli(['verify', 'alice@x.test', 'a long password'])).code).toBe(0);
    const wrong = await cli(['verify', 'alice@x.test', 'not the password']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/does NOT match/);
  });

  it('create <username> <email> <password>; the username names the user everywhere', async () => {
    const created = await cli(['create', 'Bob', 'robert@x.test', 'bobs password']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Username: +bob\n {2}Email: +robert@x\.test/);
    expect((await cli(['info', 'bob'])).stdout).toMatch(/Email: +robert@x\.test/);
    expect((await cli(['verify', 'bob', 'bobs password'])).code).toBe(0);
    expect((await cli(['update-password', 'bob', 'a new password'])).code).toBe(0);
    expect((await cli(['verify', 'robert@x.test', 'bobs password'])).code).toBe(1);
    expect((await cli(['verify', 'BOB', 'a new password'])).code).toBe(0);
    expect((await cli(['set-quota', 'bob', '7'])).stdout).toMatch(/Quota: +7 MB/);
    expect((await cli(['disable', 'bob'])).stdout).toMatch(/Enabled: +no/);
  });

  it('--password and --password-stdin still work, and a username needs no password argument', async () => {
    expect((await cli(['create', 'carol', 'carol@x.test', '--password-stdin'], 'carols password\n')).code).toBe(0);
    expect((await cli(['verify', 'carol', '--password', 'carols password'])).code).toBe(0);
    expect((await cli(['update-password', 'carol@x.test', '--password-stdin'], 'changed password\n')).code).toBe(0);
    expect((await cli(['verify', 'carol', '--password-stdin'], 'changed password\n')).code).toBe(0);
    const generated = await cli(['create', 'dave', 'dave@x.test', '--json']);
    expect(JSON.parse(generated.stdout).password).toMatch(/^\S{12,}$/);
  });

  it('a taken local part leaves the username to its owner; a taken username is refused', async () => {
    const second = await cli(['create', 'alice@y.test', 'another password', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).user.username).toBe('alice@y.test');
    expect((await cli(['info', 'alice'])).stdout).toMatch(/Email: +alice@x\.test/);
    const taken = await cli(['create', 'alice', 'eve@x.test', 'eves password']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/the username alice is taken/);
    const bad = await cli(['create', 'no spaces', 'eve@x.test', 'eves password']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/a username is/);
  });
});

describe('arguments a command does not take: exit 2, usage, nothing changed', { timeout: 120_000 }, () => {
  const refused: Array<[string[], RegExp]> = [
    [['info', 'alice', 'bob'], /user info takes at most 1 argument, got 2/],
    [['create', 'u', 'zed@x.test', 'a password', 'extra'], /user create takes at most 3 arguments, got 4/],
    [['list', 'extra'], /user list takes at most 0 arguments/],
    [['info', 'alice', '--quota', '5'], /user info does not take --quota/],
    [['enable', 'alice', '--frobnicate'], /user enable does not take --frobnicate/],
    [['create', 'zed@x.test', '--password', 'x', '--password-stdin'], /give the password once/],
    [['create', 'zed@x.test', 'a password', '--password', 'another one'], /give the password once/],
    [['verify', 'alice', 'pw', '--password-stdin'], /give the password once/],
    [['verify', 'alice'], /user verify needs a password/],
    [['update-password', 'alice'], /user update-password needs a password/],
    [['create', 'zed', 'nobody', 'a password'], /<username> <email> <password>/],
    [['set-quota', 'alice'], /missing arguments: user set-quota <user> <MB \| default>/],
    [['frobnicate'], /unknown command "user frobnicate"/],
  ];

  it('the shapes are checked before anything runs (every case, in process)', () => {
    for (const [args, message] of refused) {
      const parsed = parseArgs(args);
      expect(() => checkUserCommand(parsed), JSON.stringify(args)).toThrow(message);
    }
  });

  // Through the CLI's runCli too, all at once (none of them opens the database).
  it.concurrent.each(refused)('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: npm run cli -- user <command>');
    expect(r.stdout).toBe('');
  });

  it('left the database as it was', async () => {
    expect((await cli(['info', 'zed@x.test'])).code).toBe(1);
    expect((await cli(['verify', 'alice@x.test', 'a long password'])).code).toBe(0);
  });
});
