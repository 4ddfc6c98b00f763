// The real entry point as a child process (node itself, never npm: npm does
// not pass SIGTERM on), on port 0, with its own environment only, so nothing
// from the developer's shell (a DATABASE_URL, say) reaches it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { databaseEnv } from './pg-test-db.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface ChildChitbox {
  process: ChildProcess;
  api: number;
  smtp: number;
  /** null when IMAP_ENABLED=false */
  imap: number | null;
  /** migrations applied by this start */
  migrations: number;
  /** resolves with the exit code (null after a signal) */
  exited: Promise<number | null>;
  /** sends the signal (SIGTERM by default) and waits for the exit */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

export async function spawnChitbox(env: Record<string, string> & { DATA_DIR: string }, readyTimeoutMs = 90_000): Promise<ChildChitbox> {
  const dbEnv = await databaseEnv(env.DATA_DIR);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'backend/src/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'silent',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      SMTP_SERVER_PORT: '0',
      SMTP_SERVER_HOST: '127.0.0.1',
      IMAP_PORT: '0',
      IMAP_HOST: '127.0.0.1',
      SMTP_HOSTNAME: 'mx.chitbox.test',
      MAIL_DOMAINS: 'example.test',
      BCRYPT_COST: '4',
      ...dbEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /chitbox ready api=(\d+) smtp=(\d+) migrations=(\d+).* imap=(\d+|off)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const imap = m[4] === 'off' ? null : Number(m[4]);
      resolve({ process: child, api: Number(m[1]), smtp: Number(m[2]), migrations: Number(m[3]), imap, exited, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** For afterAll: kills whatever a test left running. */
export async function killChildren(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
