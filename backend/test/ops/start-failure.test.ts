// When ChitBox cannot start, the entry point exits non-zero with one line a
// person can act on (which setting, that ChitBox may already run), not a stack.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/child-server.js';

let dataDir: string;
let holder: net.Server;
let takenPort: number;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-startfail-'));
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  takenPort = (holder.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Runs backend/src/main.ts until it exits; its own environment only. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'backend/src/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      SMTP_SERVER_PORT: '0',
      SMTP_SERVER_HOST: '127.0.0.1',
      IMAP_PORT: '0',
      IMAP_HOST: '127.0.0.1',
      BCRYPT_COST: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr, stdout })));
}

describe('start-up failures', () => {
  it.each([
    ['PORT', { PORT: 'TAKEN' }],
    ['SMTP_SERVER_PORT', { SMTP_SERVER_PORT: 'TAKEN' }],
    ['IMAP_PORT', { IMAP_PORT: 'TAKEN' }],
  ])('a taken %s: exit 1 with one line naming the setting', async (setting, env) => {
    const withPort = Object.fromEntries(Object.entries(env).map(([k]) => [k, String(takenPort)]));
    const { code, stderr, stdout } = await runMain(withPort);
    expect(code).toBe(1);
    expect(stdout).not.toContain('chitbox ready');
    expect(stderr.trim()).toBe(
      `ChitBox cannot start: port ${takenPort} (${setting}) is already in use. ChitBox may already be running: stop it, or set ${setting} to another port.`,
    );
  });

  it('a taken FRONTEND_PORT when serving the inbox: exit 1, naming FRONTEND_PORT', async () => {
    const distDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-dist-'));
    await fs.writeFile(path.join(distDir, 'index.html'), '<!doctype html><title>x</title>');
    try {
      const { code, stderr } = await runMain({ SERVE_INBOX: 'true', INBOX_DIST_DIR: distDir, FRONTEND_PORT: String(takenPort) });
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${takenPort} (FRONTEND_PORT) is already in use. ChitBox may already be running`);
      expect(stderr).not.toContain('EADDRINUSE');
    } finally {
      await fs.rm(distDir, { recursive: true, force: true });
    }
  });

  it('a bad DATABASE_URL: a non-zero exit with the reason, before anything listens', async () => {
    const { code, stderr, stdout } = await runMain({ DATABASE_URL: 'mysql://nope' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^ChitBox cannot start: .*\n\s+DATABASE_URL: /);
    expect(stdout).not.toContain('chitbox ready');
  });
});
