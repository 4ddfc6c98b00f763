// The two servers the bench compares, each started fresh for one load and
// stopped after it, so every peak RSS belongs to exactly one load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_RECIPIENT } from './bench-messages.js';
import { createBenchDatabase } from './bench-postgres.js';
import { SERVER_ENTRY, startNodeFlags } from '../start-command.js';
import { findFreePort, startChildServer, type ChildServer } from './child-server.js';

export interface BenchTarget {
  readonly label: string;
  readonly server: ChildServer;
  readonly smtpPort: number;
  /** Present for ChitBox only: where Socket.IO and the API listen, and the bench user's token. */
  readonly api?: { baseUrl: string; token: string };
  /** Stops the server and removes what it wrote. */
  stop(): Promise<void>;
}

const BENCH_PASSWORD = 'benchpassword1';

// Data directories still on disk: all removed when the bench exits (also when
// it is interrupted), not after each run. Deleting thousands of files just
// before the next measured server starts would charge it for the cleanup:
// ext4 then scans the recently freed inodes on every file it creates
// (recently_deleted() in ext4_ialloc.c showed as the top kernel symbol in
// `perf record` of ChitBox, and its system time doubled).
const liveDataDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDataDirs) rmSync(dir, { recursive: true, force: true });
});
// A loaded machine (CI, several benches at once) may need longer: BENCH_READY_TIMEOUT_MS.
const READY_TIMEOUT_MS = Number(process.env.BENCH_READY_TIMEOUT_MS ?? 60_000);

export function startBaseline(repoRoot: string, label = 'baseline'): Promise<BenchTarget> {
  return startScriptServer(repoRoot, { script: 'baseline-server.ts', name: 'baseline', label });
}

/**
 * The yardstick: the baseline plus a minimal durable SQLite store
 * (reference-store-server.ts), on a database file in its own data directory.
 */
export function startReferenceStore(repoRoot: string): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chitbox-bench-reference-'));
  liveDataDirs.add(dataDir);
  return startScriptServer(repoRoot, {
    script: 'reference-store-server.ts',
    name: 'reference',
    label: 'reference',
    env: { REFERENCE_DB: join(dataDir, 'reference.db') },
  });
}

/** A comparison server from scripts/bench (bench-smtp-server.ts), run under tsx. */
async function startScriptServer(
  repoRoot: string,
  opts: { script: string; name: string; label: string; env?: Record<string, string> },
): Promise<BenchTarget> {
  const smtpPort = await findFreePort();
  const server = await startChildServer({
    name: opts.label,
    args: ['--import', 'tsx', join(repoRoot, 'scripts/bench', opts.script)],
    env: { ...process.env, ...opts.env, BASELINE_PORT: String(smtpPort) },
    cwd: repoRoot,
    readyLine: `${opts.name} ready`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  return { label: opts.label, server, smtpPort, stop: () => server.stop() };
}

/** Compiles the server as npm start does (npm run build:api), once per bench run. */
export function buildChitbox(repoRoot: string): void {
  execFileSync('npm', ['run', '--silent', 'build:api'], { cwd: repoRoot, stdio: 'inherit' });
}

export type BenchDatabase = 'sqlite' | 'postgresql';

/**
 * extraEnv: settings for one comparison (e.g. the scanners), over the bench's own.
 * database: SQLite in the data directory, or a fresh PostgreSQL database (bench-postgres.ts).
 */
export async function startChitbox(repoRoot: string, extraEnv: Record<string, string> = {}, database: BenchDatabase = 'sqlite'): Promise<BenchTarget> {
  // A port found free can be taken before ChitBox binds it (the load client's
  // own connections draw from the same ephemeral range): try fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startChitboxOnce(repoRoot, extraEnv, database);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !/is already in use/.test(String(error))) throw error;
    }
  }
}

const PORT_ATTEMPTS = 3;

async function startChitboxOnce(repoRoot: string, extraEnv: Record<string, string>, database: BenchDatabase): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chitbox-bench-data-'));
  liveDataDirs.add(dataDir);
  const [apiPort, smtpPort, frontendPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  // A developer's own database must never receive bench mail.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const pgDatabase = database === 'postgresql' ? await createBenchDatabase() : null;
  let server: ChildServer;
  try {
    server = await startChildServer({
      name: 'chitbox',
      // The production build, run as npm start runs it (buildChitbox first).
      // BENCH_PROFILE_DIR: a CPU profile of each ChitBox's threads (node --cpu-prof), to see where a number goes.
      args: [...startNodeFlags(repoRoot), ...profileFlags(), join(repoRoot, SERVER_ENTRY)],
      env: {
        ...inherited,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        // Registration is not what is measured; cost 4 keeps it instant.
        BCRYPT_COST: '4',
        // The bench's users live here (registration is open to local domains only).
        MAIL_DOMAINS: 'bench.test',
        DATA_DIR: dataDir,
        PORT: String(apiPort),
        SMTP_SERVER_PORT: String(smtpPort),
        SMTP_SERVER_HOST: '127.0.0.1',
        IMAP_PORT: '0',
        IMAP_HOST: '127.0.0.1',
        FRONTEND_PORT: String(frontendPort),
        ...(pgDatabase ? { DATABASE_URL: pgDatabase.url } : {}),
        ...extraEnv,
      },
      cwd: repoRoot,
      readyLine: 'chitbox ready',
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    liveDataDirs.delete(dataDir);
    await pgDatabase?.drop();
    throw error;
  }
  const stop = async () => {
    await server.stop();
    await pgDatabase?.drop();
  };
  try {
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const token = await registerBenchUser(baseUrl);
    return { label: 'chitbox', server, smtpPort, api: { baseUrl, token }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Registers the bench user, or logs in when another instance on the same database already did. */
async function registerBenchUser(baseUrl: string): Promise<string> {
  const ask = (path: string) => fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_RECIPIENT, password: BENCH_PASSWORD }),
  });
  let response = await ask('/api/auth/register');
  if (response.status === 409) response = await ask('/api/auth/login');
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) {
    throw new Error(`register ${BENCH_RECIPIENT}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** How many messages ChitBox says are in the bench user's Inbox: the durable count, per the API. */
export async function countInbox(api: { baseUrl: string; token: string }): Promise<number> {
  const response = await fetch(`${api.baseUrl}/api/folders`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  const body = (await response.json()) as { folders?: Array<{ kind: string; totalCount: number }> };
  const inbox = body.folders?.find((folder) => folder.kind === 'inbox');
  if (!response.ok || !inbox) throw new Error(`GET /api/folders: HTTP ${response.status}`);
  return inbox.totalCount;
}

function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
