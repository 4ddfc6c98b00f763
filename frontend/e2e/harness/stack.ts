// Starts the real ChitBox (node --import tsx backend/src/main.ts) on free
// ports with a throwaway data directory, serving the built inbox itself
// (NODE_ENV=production, SERVE_INBOX=true), and stops it again.
//
// With `separateInbox`, the inbox is served from this process instead (the
// same inbox-server module, proxying to the API), so the API can be stopped
// and started again under an open page, as `npm run dev` does when Vite stays
// up while the API restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Stack {
  apiUrl: string;
  inboxUrl: string;
  smtpPort: number;
  /** Everything the backend printed, for failure messages. */
  output: () => string;
  /** SIGTERM to the API process; resolves once it has exited. */
  stopApi(): Promise<void>;
  /** Starts the API again on the same ports and data; resolves once it is ready. */
  startApi(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: { separateInbox?: boolean } = {}): Promise<Stack> {
  const distDir = path.join(repoRoot, 'frontend/dist');
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error('frontend/dist is missing: run "npm run build:web" (npm run test:e2e does).');
  const [apiPort, smtpPort, inboxPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chitbox-e2e-'));
  const env = {
    ...process.env,
    PORT: String(apiPort),
    HTTP_HOST: '127.0.0.1',
    SMTP_SERVER_PORT: String(smtpPort),
    SMTP_SERVER_HOST: '127.0.0.1',
    IMAP_PORT: '0',
    IMAP_HOST: '127.0.0.1',
    FRONTEND_PORT: String(inboxPort),
    DATA_DIR: dataDir,
    BCRYPT_COST: '4',
    // Every domain the e2e tests register users in (registration is open to local domains only).
    MAIL_DOMAINS: 'chitbox.test,chat.test,firstday.test,routes.test,devloop.test',
    NODE_ENV: 'production',
    SERVE_INBOX: options.separateInbox ? 'false' : 'true',
    LOG_LEVEL: 'warn',
  };
  let output = '';
  let child: ChildProcess | null = null;

  async function startApi(): Promise<void> {
    const from = output.length;
    const started = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    started.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output.slice(from).includes('chitbox ready'), 60_000, () => `backend did not print "chitbox ready":\n${output}`, started);
  }
  const stopApi = () => (child ? stopProcess(child) : Promise.resolve());

  let stopInbox = async () => undefined as void;
  let inboxUrl = `http://127.0.0.1:${inboxPort}`;
  try {
    await startApi();
    if (options.separateInbox) {
      const { startInboxServer } = await import('../../../backend/src/http/inbox-server');
      const inbox = await startInboxServer({ port: inboxPort, host: '127.0.0.1', distDir, apiOrigin: `http://127.0.0.1:${apiPort}` });
      inboxUrl = `http://127.0.0.1:${inbox.port}`;
      stopInbox = () => inbox.close();
    }
  } catch (err) {
    await stopApi();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    inboxUrl,
    smtpPort,
    output: () => output,
    stopApi,
    startApi,
    stop: async () => {
      await stopInbox();
      await stopApi();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition about the child's output (a state, not a duration); the deadline only bounds a hang. */
async function waitFor(check: () => boolean, timeoutMs: number, describe: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}. ${describe()}`);
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(describe());
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
