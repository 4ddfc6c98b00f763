// npm run bench:read: reading a big mailbox, on the production build.
//
// Seeds one user's Inbox through the storage engine (read-seed.ts; default
// 1,000,000 messages in 50,000 threads), starts the server on that data
// directory as npm start runs it, and times, one request at a time over one
// keep-alive connection, p50/p99 of:
//   the first thread page, the 100th thread page (by cursor), the first flat
//   message page, opening a 50-message thread, marking that thread read,
//   GET /api/search for a rare word, a common word and a phrase,
// and the web inbox's first paint in Chromium: from the start of navigation
// to the first thread rows in the DOM (read in the page as performance.now()
// by a MutationObserver, so the browser's own clock on both ends).
//
// Options: --messages N (1000000) --threads N (messages / 20) --samples N (200)
//          --paint-samples N (20) --keep (keep the seeded data directory and print it)
//          --data DIR (reuse a directory seeded by an earlier --keep run)
//          --db sqlite|postgresql (sqlite): postgresql seeds a fresh database on
//            BENCH_PG_URL's server (bench-postgres.ts; dropped after unless --keep)
//            in bulk (read-seed-pg.ts), after checking on --check N messages
//            (1000; 0: no check) that the bulk load writes the engine's rows
//          --pg-database NAME (with --db postgresql: measure again on a database an
//            earlier --keep run seeded on BENCH_PG_URL's server, kept after; no seed)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { launchChromium } from '../../frontend/e2e/harness/browser.js';
import { SERVER_ENTRY, startNodeFlags } from '../start-command.js';
import { BENCH_PG_ADMIN_URL, createBenchDatabase } from './bench-postgres.js';
import { findFreePort, startChildServer } from './child-server.js';
import { seedDifferences, seedSnapshot } from './read-seed-check.js';
import { seedPostgresBulk, seedPostgresThroughEngine } from './read-seed-pg.js';
import { COMMON_WORD, OPEN_THREAD_SIZE, PHRASE, RARE_WORD, SEED_EMAIL, SEED_PASSWORD, seedInbox, type Seeded } from './read-seed.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    threads: { type: 'string' },
    samples: { type: 'string', default: '200' },
    'paint-samples': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    data: { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    check: { type: 'string', default: '1000' },
    'pg-database': { type: 'string' },
  },
});
if (!['sqlite', 'postgresql'].includes(flags.db ?? '')) throw new Error(`unknown --db ${flags.db}`);
const ON_POSTGRES = flags.db === 'postgresql';
const PG_DATABASE = flags['pg-database'];
if (PG_DATABASE !== undefined && (!ON_POSTGRES || !/^[a-z_][a-z0-9_]*$/.test(PG_DATABASE))) {
  throw new Error('--pg-database: with --db postgresql, a database name of lower-case letters, digits and _');
}
const CHECK = Number(flags.check);
const MESSAGES = Number(flags.messages);
const THREADS = Number(flags.threads ?? Math.max(2, Math.round(MESSAGES / 20)));
const SAMPLES = Number(flags.samples);
const PAINT_SAMPLES = Number(flags['paint-samples']);
const PAGE = 50;

interface Row {
  name: string;
  p50: number;
  p99: number;
  n: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function summarise(name: string, ms: number[]): Row {
  const sorted = [...ms].sort((a, b) => a - b);
  return { name, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: ms.length };
}

class Client {
  constructor(
    readonly baseUrl: string,
    public token = '',
  ) {}

  async login(email: string, password: string): Promise<void> {
    this.token = (await this.call<{ token: string }>('POST', '/api/auth/login', { email, password })).token;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Milliseconds for the whole request, body read. */
  async time(method: string, path: string, body?: unknown): Promise<number> {
    const t0 = performance.now();
    await this.call(method, path, body);
    return performance.now() - t0;
  }
}

async function timed(name: string, samples: number, run: () => Promise<number>): Promise<Row> {
  for (let i = 0; i < 5; i++) await run(); // warm: JIT, statement caches, pages in memory
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) ms.push(await run());
  const row = summarise(name, ms);
  console.log(`${name.padEnd(34)} p50 ${row.p50.toFixed(2).padStart(8)} ms   p99 ${row.p99.toFixed(2).padStart(8)} ms   (n=${row.n})`);
  return row;
}

async function measureApi(api: Client, seeded: Seeded): Promise<Row[]> {
  const folders = (await api.call<{ folders: Array<{ id: number; kind: string; totalCount: number }> }>('GET', '/api/folders')).folders;
  const inbox = folders.find((f) => f.kind === 'inbox')!;
  console.log(`inbox holds ${inbox.totalCount} messages`);
  const threadsPath = `/api/folders/${inbox.id}/threads?limit=${PAGE}`;
  // The cursor of the 100th page (of the last one, in a folder too small for 100).
  let cursor = '';
  let pageNo = 1;
  for (; pageNo < 100; pageNo++) {
    const next = (await api.call<{ nextCursor: string | null }>('GET', `${threadsPath}${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    if (!next) break;
    cursor = next;
  }
  const open = await api.call<{ messages: unknown[] }>('GET', `/api/threads/${seeded.openThreadId}`);
  if (open.messages.length !== OPEN_THREAD_SIZE) throw new Error(`thread ${seeded.openThreadId} has ${open.messages.length} messages`);
  const searchSamples = Math.max(10, Math.round(SAMPLES / 10));
  const q = (s: string) => `/api/search?q=${encodeURIComponent(s)}&limit=${PAGE}`;
  return [
    await timed('first thread page', SAMPLES, () => api.time('GET', threadsPath)),
    await timed(`${pageNo}th thread page (cursor)`, SAMPLES, () => api.time('GET', `${threadsPath}&cursor=${cursor}`)),
    await timed('first message page (flat)', SAMPLES, () => api.time('GET', `/api/folders/${inbox.id}/messages?limit=${PAGE}`)),
    await timed(`open a ${OPEN_THREAD_SIZE}-message thread`, SAMPLES, () => api.time('GET', `/api/threads/${seeded.openThreadId}`)),
    await timed('mark that thread read', SAMPLES, async () => {
      await api.call('PATCH', `/api/threads/${seeded.openThreadId}?folderId=${inbox.id}`, { isRead: false });
      return api.time('PATCH', `/api/threads/${seeded.openThreadId}?folderId=${inbox.id}`, { isRead: true });
    }),
    await timed(`search: rare word`, searchSamples, () => api.time('GET', q(RARE_WORD))),
    await timed(`search: common word`, searchSamples, () => api.time('GET', q(COMMON_WORD))),
    await timed(`search: phrase`, searchSamples, () => api.time('GET', q(`"${PHRASE}"`))),
  ];
}

async function measurePaint(inboxUrl: string, token: string): Promise<Row> {
  const chromium = await launchChromium();
  try {
    const context = await chromium.newContext();
    const page = await context.newPage();
    // Signed in as the inbox keeps it (the sign-in form is not what is measured).
    await page.goto(`${inboxUrl}/mail/inbox`);
    await page.evaluate((t) => localStorage.setItem('chitbox.token', t), token);
    // Before any page script: note when the first thread row enters the DOM.
    await page.addInitScript(() => {
      const w = window as unknown as { __firstRows?: number };
      const observer = new MutationObserver(() => {
        if (w.__firstRows === undefined && document.querySelector('.thread-row')) {
          w.__firstRows = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    return await timed('web inbox first paint (rows)', PAINT_SAMPLES, async () => {
      await page.goto(`${inboxUrl}/mail/inbox`, { waitUntil: 'commit' });
      await page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows !== undefined, null, { timeout: 30_000 });
      return page.evaluate(() => (window as unknown as { __firstRows: number }).__firstRows);
    });
  } finally {
    await chromium.close();
  }
}

/** What a run reads from: the data directory, and on PostgreSQL its database. */
interface SeededRun extends Seeded {
  databaseUrl?: string;
}

/** What an earlier --keep run seeded in `name`: the seed's user, and the thread of its first message (the one opened). */
async function keptPostgresSeed(name: string): Promise<SeededRun> {
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    const { rows } = await client.query<{ thread_id: number }>(
      'SELECT m.thread_id FROM mail_messages m JOIN users u ON u.id = m.user_id WHERE u.email = $1 ORDER BY m.id LIMIT 1', [SEED_EMAIL]);
    if (!rows[0]) throw new Error(`--pg-database ${name}: no seeded mailbox there`);
    return { email: SEED_EMAIL, password: SEED_PASSWORD, openThreadId: rows[0].thread_id, seconds: 0, databaseUrl: url.href };
  } finally {
    await client.end();
  }
}

/** Seeds CHECK messages through the engine and in bulk, each on a fresh database, and fails on any row that differs. */
async function checkBulkSeed(log: (line: string) => void): Promise<void> {
  const [engineDb, bulkDb] = [await createBenchDatabase(), await createBenchDatabase()];
  try {
    const threads = Math.max(2, Math.round(CHECK / 20));
    const engine = await seedPostgresThroughEngine(engineDb.url, CHECK, threads, () => {});
    await seedPostgresBulk(bulkDb.url, CHECK, threads, () => {});
    const differences = seedDifferences(await seedSnapshot(engineDb.url), await seedSnapshot(bulkDb.url));
    if (differences.length > 0) throw new Error(`the bulk seed differs from the engine's:\n${differences.join('\n')}`);
    log(`check: ${CHECK} messages through the engine (${engine.seconds.toFixed(1)} s) and in bulk: the same rows`);
  } finally {
    await Promise.all([engineDb.drop(), bulkDb.drop()]);
  }
}

async function seed(dataDir: string, load: () => string): Promise<{ seeded: SeededRun; dropDatabase: () => Promise<void> }> {
  const log = (line: string) => console.log(`  ${line}`);
  if (flags.data) return { seeded: JSON.parse(readFileSync(join(dataDir, 'seeded.json'), 'utf8')) as SeededRun, dropDatabase: async () => {} };
  if (PG_DATABASE) return { seeded: await keptPostgresSeed(PG_DATABASE), dropDatabase: async () => {} };
  let seeded: SeededRun;
  let dropDatabase = async () => {};
  if (ON_POSTGRES) {
    if (CHECK > 0) await checkBulkSeed(log);
    const db = await createBenchDatabase();
    dropDatabase = db.drop;
    try {
      seeded = { ...(await seedPostgresBulk(db.url, MESSAGES, THREADS, log)), databaseUrl: db.url };
    } catch (err) {
      if (!flags.keep) await db.drop();
      throw err;
    }
  } else {
    seeded = await seedInbox(dataDir, MESSAGES, THREADS, log);
  }
  writeFileSync(join(dataDir, 'seeded.json'), JSON.stringify(seeded));
  console.log(`seeded in ${seeded.seconds.toFixed(1)} s (${Math.round(MESSAGES / seeded.seconds)} messages/s), load ${load()}`);
  return { seeded, dropDatabase };
}

async function main(): Promise<void> {
  const dataDir = flags.data ?? mkdtempSync(join(tmpdir(), 'chitbox-bench-read-'));
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`bench:read on ${flags.db}: ${MESSAGES} messages, ${THREADS} threads; ${cpus().length} cores, load ${load()}`);
  execFileSync('npm', ['run', '--silent', 'build:api'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: repoRoot, stdio: 'inherit' });
  const { seeded, dropDatabase } = await seed(dataDir, load);
  try {
    await measure(dataDir, seeded, load);
  } finally {
    if (PG_DATABASE) {
      rmSync(dataDir, { recursive: true, force: true });
      console.log(`database ${PG_DATABASE} kept`);
    } else if (flags.keep || flags.data) {
      console.log(`data kept in ${dataDir}${seeded.databaseUrl ? ` (database ${seeded.databaseUrl})` : ''}`);
    } else {
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase();
    }
  }
}

async function measure(dataDir: string, seeded: SeededRun, load: () => string): Promise<void> {
  const [apiPort, smtpPort, frontendPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const server = await startChildServer({
    name: 'chitbox',
    // BENCH_PROFILE_DIR: a CPU profile of the server's threads (node --cpu-prof), as the other benches take one.
    args: [...startNodeFlags(repoRoot), ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), join(repoRoot, SERVER_ENTRY)],
    env: {
      ...inherited, NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: dataDir, PORT: String(apiPort),
      SMTP_SERVER_PORT: String(smtpPort), SMTP_SERVER_HOST: '127.0.0.1', SERVE_INBOX: 'true', FRONTEND_PORT: String(frontendPort),
      // Any free port: another ChitBox on this machine may hold the default 1143.
      IMAP_PORT: '0', IMAP_HOST: '127.0.0.1',
      ...(seeded.databaseUrl ? { DATABASE_URL: seeded.databaseUrl } : {}),
    },
    cwd: repoRoot,
    readyLine: 'chitbox ready',
    readyTimeoutMs: 600_000,
  });
  try {
    const api = new Client(`http://127.0.0.1:${apiPort}`);
    await api.login(seeded.email, seeded.password);
    const rows = await measureApi(api, seeded);
    rows.push(await measurePaint(`http://127.0.0.1:${frontendPort}`, api.token));
    const report = { database: flags.db, messages: MESSAGES, threads: THREADS, seedSeconds: seeded.seconds, load: loadavg(), cores: cpus().length, rows };
    mkdirSync(join(repoRoot, '.bench'), { recursive: true });
    const reportFile = ON_POSTGRES ? '.bench/read-postgresql.json' : '.bench/read-latest.json';
    writeFileSync(join(repoRoot, reportFile), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`load after: ${load()}`);
  } finally {
    await server.stop();
  }
}

await main();
