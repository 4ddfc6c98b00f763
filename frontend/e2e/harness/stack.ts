// Starts the real ChitBox (node --import tsx backend/src/main.ts) on free
// ports with a throwaway data directory, serving the built inbox itself
// (NODE_ENV=production, SERVE_INBOX=true), and stops it again.
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
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const distIndex = path.join(repoRoot, 'frontend/dist/index.html');
  if (!existsSync(distIndex)) throw new Error('frontend/dist is missing: run "npm run build:web" (npm run test:e2e does).');
  const [apiPort, smtpPort, inboxPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chitbox-e2e-'));
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(apiPort),
      HTTP_HOST: '127.0.0.1',
      SMTP_SERVER_PORT: String(smtpPort),
      SMTP_SERVER_HOST: '127.0.0.1',
      FRONTEND_PORT: String(inboxPort),
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      NODE_ENV: 'production',
      SERVE_INBOX: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const stopChild = () => stopProcess(child).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    await waitFor(() => output.includes('chitbox ready'), 30_000, () => `backend did not print "chitbox ready":\n${output}`, child);
    let inboxUrl = `http://127.0.0.1:${inboxPort}`;
    let stopOwnInbox = async () => undefined as void;
    const served = await waitFor(async () => (await fetch(inboxUrl).catch(() => null))?.ok === true, 5_000, () => '', child).then(
      () => true,
      () => false,
    );
    if (!served) {
      // Until main.ts honours SERVE_INBOX, serve the build ourselves with the same module it will use.
      console.warn(`[e2e] backend does not serve the inbox on FRONTEND_PORT; starting inbox-server in the test process`);
      const { startInboxServer } = await import('../../../backend/src/http/inbox-server');
      const own = await startInboxServer({ port: 0, host: '127.0.0.1', distDir: path.join(repoRoot, 'frontend/dist'), apiOrigin: `http://127.0.0.1:${apiPort}` });
      inboxUrl = `http://127.0.0.1:${own.port}`;
      stopOwnInbox = () => own.close();
    }
    const stop = () => stopOwnInbox().then(stopChild);
    return { apiUrl: `http://127.0.0.1:${apiPort}`, inboxUrl, smtpPort, output: () => output, stop };
  } catch (err) {
    await stopChild();
    throw err;
  }
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}. ${describe()}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(describe());
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
