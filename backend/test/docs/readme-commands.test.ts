// Follows the README as a newcomer would, top to bottom, against a freshly
// started ChitBox: every `sh` block runs in its own bash with `set -euo
// pipefail`, and curl fails on any HTTP error status, so a 409, a
// `TOKEN=undefined` or a 550 fails the test naming the block. The `js`
// realtime example runs too, and must print the subject of a mail sent to it.
//
// Two liberties, both mechanical: the server listens on ephemeral ports, so
// `localhost:3005` / `localhost:2525` in a block are rewritten to them (and
// SMTP_SERVER_PORT is set for the scripts that read it); and the blocks run in
// a scratch copy of the checkout (symlinks), so downloads and `data/` land
// there. The browser step the README asks for first (register
// you@example.test) is done over the API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, REPO_ROOT, spawnChitbox, type ChildChitbox } from '../support/child-server.js';
import { readmeBlocks, type ReadmeBlock } from '../support/readme-blocks.js';

const LINKED = ['package.json', 'node_modules', 'test-smtp.ts', 'backend', 'scripts', 'prisma', 'prisma.config.ts', 'tsconfig.json', 'README.md'];
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

let work: string;
let server: ChildChitbox;
let serverEnv: Record<string, string> = {};

function scratchCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-readme-'));
  for (const name of LINKED) fs.symlinkSync(path.join(REPO_ROOT, name), path.join(dir, name));
  return dir;
}

async function startServer(extra: Record<string, string> = {}): Promise<void> {
  serverEnv = { ...serverEnv, ...extra };
  // MAIL_DOMAINS empty: a fresh clone has no .env
  server = await spawnChitbox({ DATA_DIR: path.join(work, 'data'), MAIL_DOMAINS: '', ...serverEnv }, 60_000);
}

function withPorts(code: string): string {
  return code.replaceAll('localhost:3005', `localhost:${server.api}`).replaceAll('localhost:2525', `localhost:${server.smtp}`);
}

interface RunResult { code: number | null; out: string }

function run(cmd: string, args: string[], env: Record<string, string> = {}, stdin?: string): { result: Promise<RunResult>; kill(): void; output(): string } {
  const child = spawn(cmd, args, {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SMTP_SERVER_PORT: String(server.smtp), PORT: String(server.api), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(stdin ?? '');
  const result = new Promise<RunResult>((resolve) => child.once('close', (code) => resolve({ code, out })));
  return { result, kill: () => child.kill('SIGKILL'), output: () => out };
}

const PREAMBLE = [
  'set -euo pipefail',
  // an HTTP error status is a failed command, as it is for the reader
  'curl() { command curl --fail-with-body --max-time 60 "$@"; }',
].join('\n');

async function runShellBlock(block: ReadmeBlock): Promise<void> {
  const { code, out } = await run('bash', ['-c', `${PREAMBLE}\n${withPorts(block.code)}`]).result;
  expect(code, `README block at line ${block.line} failed:\n${block.code}\n--- output ---\n${out}`).toBe(0);
}

async function login(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'you@example.test', password: 'a long password' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

// The realtime example must connect with a real token and print the subject
// of a mail stored after it connected. Mails are sent until one is printed:
// the wait is for that state, not for a duration.
async function runRealtimeBlock(block: ReadmeBlock): Promise<void> {
  const file = path.join(work, `realtime-${block.line}.mjs`);
  fs.writeFileSync(file, `const token = process.env.TOKEN;\n${withPorts(block.code)}\n`);
  const child = run(process.execPath, [file], { TOKEN: await login() });
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp, secure: false, ignoreTLS: true });
  try {
    for (let i = 1; ; i++) {
      const subject = `realtime example ${i}`;
      await mailer.sendMail({ from: 'friend@elsewhere.test', to: 'you@example.test', subject, text: 'hi' });
      const printed = await Promise.race([
        waitForText(child.output, subject),
        child.result.then(({ out }) => { throw new Error(`the realtime example exited:\n${out}`); }),
      ]);
      if (printed) return;
    }
  } finally {
    mailer.close();
    child.kill();
  }
}

async function waitForText(output: () => string, text: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (output().includes(text)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// The README is written for a fresh clone: SQLite in ./data, which its CLI and
// test-smtp.ts commands open. The PostgreSQL run of the suite leaves it to the SQLite run.
const onPostgres = process.env.CHITBOX_TEST_DATABASE === 'postgresql';

describe.skipIf(onPostgres)('the README, followed top to bottom on a fresh server', () => {
  beforeAll(async () => {
    work = scratchCheckout();
    await startServer();
    const res = await fetch(`http://127.0.0.1:${server.api}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'you@example.test', password: 'a long password', name: 'You' }),
    });
    expect(res.status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await killChildren();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs every command block as written', async () => {
    const blocks = readmeBlocks(README);
    const ran: number[] = [];
    for (const block of blocks) {
      if (block.skip) continue;
      if (block.restartEnv) {
        await server.stop();
        await startServer(absolutePaths(block.restartEnv));
      }
      if (block.lang === 'sh') await runShellBlock(block);
      else if (block.lang === 'js') await runRealtimeBlock(block);
      else continue;
      ran.push(block.line);
    }
    // the README's API, sending, realtime and operating examples at least
    expect(ran.length).toBeGreaterThanOrEqual(6);
  }, 600_000);

  it('gives a reason for every block it does not run', () => {
    const skipped = readmeBlocks(README).filter((b) => b.skip);
    for (const b of skipped) expect(b.skip!.length, `block at line ${b.line}`).toBeGreaterThan(10);
    expect(readmeBlocks(README).filter((b) => !b.skip && !['sh', 'js'].includes(b.lang)), 'blocks the test cannot run').toEqual([]);
  });
});

function absolutePaths(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fs.existsSync(path.join(work, v)) ? path.join(work, v) : v]));
}
