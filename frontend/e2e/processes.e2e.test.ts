// The commands a person runs (issue 17): `npm start` under a process manager
// stops cleanly on SIGTERM, and `npm run dev` stops both of its processes,
// with the server's one-line reason, when the API cannot start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/free-port';
import { repoRoot } from './harness/stack';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Run {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** `npm run <script>` with its own ports and data; nothing from the developer's .env matters (the env wins). */
function npm(args: string[], env: Record<string, string>): Run {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chitbox-proc-'));
  dirs.push(dataDir);
  const child = spawn('npm', args, {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', BCRYPT_COST: '4', HTTP_HOST: '127.0.0.1', SMTP_SERVER_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return {
    pid: child.pid!,
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
}

async function until(check: () => boolean, run: Run): Promise<void> {
  let done = false;
  void run.exited.then(() => (done = true));
  while (!check()) {
    if (done) throw new Error(`exited early:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether something still listens on the port (on every address, as the servers and Vite bind). */
function inUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}

async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { port: (server.address() as net.AddressInfo).port, release: () => new Promise((r) => server.close(() => r())) };
}

async function ports() {
  return { PORT: await freePort(), SMTP_SERVER_PORT: await freePort(), IMAP_PORT: await freePort(), FRONTEND_PORT: await freePort() };
}
const asEnv = (p: Record<string, number>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));

describe('npm start', () => {
  it('serves, and on SIGTERM to npm itself stops the server and frees every port', async () => {
    const p = await ports();
    const run = npm(['start'], asEnv(p));
    try {
      await until(() => run.output().includes('chitbox ready'), run);
      expect((await fetch(`http://127.0.0.1:${p.FRONTEND_PORT}/mail/inbox`)).status).toBe(200);
      run.kill('SIGTERM');
      const code = await run.exited;
      expect(code, run.output()).toBe(0);
      expect(run.output()).toContain('"msg":"stopped"');
      for (const port of Object.values(p)) expect(await inUse(port), `port ${port}`).toBe(false);
    } finally {
      run.kill('SIGKILL');
    }
  }, 300_000);
});

describe('npm run dev when the API cannot start', () => {
  it.each([
    ['a taken PORT', 'PORT', (held: number) => `port ${held} (PORT) is already in use. ChitBox may already be running`],
    ['a taken FRONTEND_PORT', 'FRONTEND_PORT', (held: number) => `port ${held} (FRONTEND_PORT) is already in use. ChitBox may already be running`],
  ] as const)('%s: both processes stop, with the one-line reason', async (_name, setting, message) => {
    const held = await holdPort();
    const p = { ...(await ports()), [setting]: held.port };
    const run = npm(['run', 'dev'], { ...asEnv(p), LOG_LEVEL: 'warn' });
    try {
      const code = await run.exited;
      expect(code).not.toBe(0);
      expect(run.output()).toContain(`ChitBox cannot start: ${message(held.port)}`);
      expect(run.output()).not.toContain('EADDRINUSE');
      for (const [key, port] of Object.entries(p)) if (key !== setting) expect(await inUse(port), `${key} ${port}`).toBe(false);
    } finally {
      run.kill('SIGKILL');
      await held.release();
    }
  }, 180_000);

  it('a bad DATABASE_URL: both processes stop, with the reason', async () => {
    const p = await ports();
    const run = npm(['run', 'dev'], { ...asEnv(p), LOG_LEVEL: 'warn', DATABASE_URL: 'mysql://nope' });
    try {
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toMatch(/ChitBox cannot start: Invalid configuration:[\s\S]{0,40}DATABASE_URL: /);
      for (const port of Object.values(p)) expect(await inUse(port)).toBe(false);
    } finally {
      run.kill('SIGKILL');
    }
  }, 180_000);
});
