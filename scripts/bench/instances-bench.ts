// npm run bench:instances: ChitBox on PostgreSQL (and Redis), the ~4 KB load
// against one instance, then the same load split over two instances on one
// fresh database. Reports msg/s of each and the machine's load average.
//
// Options: --messages N (3000) --sessions N (20, split over the instances)
//          --rounds N (3; the median is reported)
// Needs PostgreSQL (CHITBOX_BENCH_PG_URL, default postgres@127.0.0.1:5432,
// trust) and Redis (CHITBOX_BENCH_REDIS_URL, default 127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { smallAlternativeMessage } from './bench-messages.js';
import { buildChitbox, countInbox, startChitbox, type BenchTarget } from './bench-targets.js';
import { runNodeLoad } from './node-load-client.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const PG_URL = process.env.CHITBOX_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.CHITBOX_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '3000' },
    sessions: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
  },
});
const messages = Number(flags.messages);
const sessions = Number(flags.sessions);
const rounds = Number(flags.rounds);
for (const [name, v] of Object.entries({ messages, sessions, rounds })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one run; dropped by the returned function. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cluster_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

interface Run {
  instances: number;
  msgPerSecond: number;
  accepted: number;
  stored: number;
}

/** Starts `count` instances on one fresh database and Redis prefix, sends the load split over them. */
async function runWith(count: number, round: number): Promise<Run> {
  const db = await freshDatabase();
  const prefix = `cluster-bench-${randomBytes(4).toString('hex')}`;
  const targets: BenchTarget[] = [];
  try {
    const env = (i: number) => ({
      DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, INSTANCE_ID: `bench-${i}`,
      JWT_SECRET: 'bench-secret-shared-by-the-instances-0123',
    });
    // One after the other: the first creates the schema and the bench user, the next ones log in.
    for (let i = 0; i < count; i++) targets.push(await startChitbox(repoRoot, env(i)));
    const timed = Array.from({ length: messages }, (_, i) => smallAlternativeMessage(i, `instances ${count} round ${round}`));
    const warmup = Array.from({ length: 100 }, (_, i) => smallAlternativeMessage(i, 'warmup'));
    const share = (list: typeof timed, i: number) => list.filter((_, n) => n % count === i);
    const results = await Promise.all(targets.map((t, i) =>
      runNodeLoad({
        port: t.smtpPort, sessions: Math.max(1, Math.round(sessions / count)), replyTimeoutMs: 60_000,
        warmup: share(warmup, i), timed: share(timed, i),
      }),
    ));
    // Each load's own clock starts after its warm-up: the split load's time is the slower one's.
    const seconds = Math.max(...results.map((r) => r.seconds));
    const accepted = results.reduce((n, r) => n + r.accepted, 0);
    const stored = await countInbox(targets[0]!.api!);
    return { instances: count, msgPerSecond: accepted / seconds, accepted, stored };
  } finally {
    for (const t of targets) await t.stop();
    await db.drop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  buildChitbox(repoRoot);
  const rows: string[] = [];
  for (const count of [1, 2]) {
    const runs: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      const load = loadavg()[0]!.toFixed(1);
      const run = await runWith(count, r);
      console.log(`${count} instance(s), round ${r + 1}: ${run.msgPerSecond.toFixed(0)} msg/s, ${run.accepted}/${messages} accepted, ${run.stored} in the Inbox (load ${load})`);
      runs.push(run);
    }
    rows.push(`| ${count} | ${median(runs.map((r) => r.msgPerSecond)).toFixed(0)} | ${runs.map((r) => r.msgPerSecond.toFixed(0)).join(', ')} |`);
  }
  const report = [
    `# ChitBox on PostgreSQL: one instance against two (${messages} × ~4 KB, ${sessions} sessions in all)`,
    '',
    `load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    '',
    '| instances | msg/s (median) | rounds |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  writeFileSync(join(repoRoot, '.bench/instances.md'), report);
  console.log(`\n${report}`);
}

await main();
