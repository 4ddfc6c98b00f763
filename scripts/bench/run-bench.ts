// npm run bench: ChitBox against a bare smtp-server + mailparser baseline, same
// machine, same client, same messages.
//
// Options (all optional):
//   --client node|smtp-source   load client (default node: distinct messages)
//   --target chitbox|baseline   what is compared with the baseline; "baseline"
//                               checks the bench itself when ChitBox cannot start
//   --small N --large N --latency N --sessions N   sizes (5000, 500, 1000, 20)
//   --rounds N                  fresh-server runs per load and server (3); the
//                               table shows the median msg/s and the highest RSS
//   --only small,large,latency  run only these parts
//   --no-reference              skip the yardstick (a minimal durable SQLite store)
//   --db sqlite|postgresql      ChitBox's database (sqlite): postgresql gives each
//                               ChitBox a fresh database on BENCH_PG_URL (default
//                               the local server), written to .bench/postgresql.md
//   --scanners                  instead: ChitBox with spamd and clamd off vs on,
//                               4 KB and 1 MB loads (--small, --large default
//                               300 and 300 here: spamd is slow), cost per message and
//                               event-loop lag; written to .bench/scanners.md
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  largeAttachmentMessage,
  smallAlternativeMessage,
  type WireMessage,
} from './bench-messages.js';
import { formatReport, serversOf, type BenchReport, type LoadComparison, type ServerRun } from './bench-report.js';
import { buildChitbox, countInbox, startBaseline, startChitbox, startReferenceStore, type BenchDatabase, type BenchTarget } from './bench-targets.js';
import { measureNewEmailLatency } from './new-email-latency.js';
import { runNodeLoad, type LoadResult } from './node-load-client.js';
import { runScannerBench } from './scanner-bench.js';
import { hasSmtpSource, runSmtpSourceLoad } from './smtp-source-load.js';

const repoRoot = resolve(import.meta.dirname, '../..');

const { values: flags } = parseArgs({
  options: {
    client: { type: 'string', default: 'node' },
    target: { type: 'string', default: 'chitbox' },
    small: { type: 'string', default: '5000' },
    large: { type: 'string', default: '500' },
    latency: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'small,large,latency' },
    'no-reference': { type: 'boolean', default: false },
    scanners: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

const sessions = positiveInt('sessions', flags.sessions);
const rounds = positiveInt('rounds', flags.rounds);
const parts = new Set((flags.only ?? '').split(','));
const useSmtpSource = flags.client === 'smtp-source';
if (!['node', 'smtp-source'].includes(flags.client ?? '')) throw new Error(`unknown --client ${flags.client}`);
if (!['chitbox', 'baseline'].includes(flags.target ?? '')) throw new Error(`unknown --target ${flags.target}`);
if (useSmtpSource && !hasSmtpSource(repoRoot)) {
  throw new Error('smtp-source not unpacked: run scripts/install-mail-tools.sh');
}
const subjectIsChitbox = flags.target === 'chitbox';
if (!['sqlite', 'postgresql'].includes(flags.db ?? '')) throw new Error(`unknown --db ${flags.db}`);
const database = flags.db as BenchDatabase;
const measureReference = !flags['no-reference'];

// A 1 MB message over loopback takes milliseconds; a minute means something hangs.
const REPLY_TIMEOUT_MS = 60_000;
const LOAD_TIMEOUT_MS = 15 * 60_000;

interface LoadPlan {
  name: string;
  minRatio: number;
  maxRssMb?: number;
  warmup: WireMessage[];
  timed: WireMessage[];
}

function buildPlans(): LoadPlan[] {
  const plans: LoadPlan[] = [];
  if (parts.has('small')) {
    const count = positiveInt('small', flags.small);
    plans.push({
      name: `${count} × ~4 KB multipart/alternative`,
      minRatio: 0.5,
      warmup: Array.from({ length: 200 }, (_, i) => smallAlternativeMessage(i, 'warmup small')),
      timed: Array.from({ length: count }, (_, i) => smallAlternativeMessage(i, 'small')),
    });
  }
  if (parts.has('large')) {
    const count = positiveInt('large', flags.large);
    plans.push({
      name: `${count} × ~1 MB with base64 attachment`,
      minRatio: 0.8,
      maxRssMb: 300,
      warmup: Array.from({ length: 20 }, (_, i) => largeAttachmentMessage(i, 'warmup large')),
      timed: Array.from({ length: count }, (_, i) => largeAttachmentMessage(i, 'large')),
    });
  }
  return plans;
}

async function startSubject(): Promise<BenchTarget> {
  return subjectIsChitbox ? startChitbox(repoRoot, {}, database) : startBaseline(repoRoot, 'baseline-as-subject');
}

async function runLoad(target: BenchTarget, plan: LoadPlan): Promise<LoadResult> {
  if (useSmtpSource) {
    const message = plan.timed[0];
    if (!message) throw new Error('empty load');
    return runSmtpSourceLoad({
      repoRoot,
      port: target.smtpPort,
      sessions,
      warmupCount: plan.warmup.length,
      timedCount: plan.timed.length,
      message,
      timeoutMs: LOAD_TIMEOUT_MS,
    });
  }
  return runNodeLoad({
    port: target.smtpPort,
    sessions,
    replyTimeoutMs: REPLY_TIMEOUT_MS,
    warmup: plan.warmup,
    timed: plan.timed,
  });
}

/** One server, fresh, one load; always stopped, whatever happened. */
async function measure(start: () => Promise<BenchTarget>, label: string, plan: LoadPlan): Promise<ServerRun> {
  let target: BenchTarget;
  try {
    target = await start();
  } catch (error) {
    return { label, error: `did not start: ${String(error)}` };
  }
  const run: ServerRun = { label };
  try {
    console.log(`  ${label}: sending ${plan.timed.length} (+${plan.warmup.length} warm-up) ...`);
    const cpuBefore = target.server.cpuSeconds();
    run.load = await runLoad(target, plan);
    run.cpuMsPerMessage = ((target.server.cpuSeconds() - cpuBefore) * 1000) / (plan.warmup.length + run.load.sent);
    run.peakRssMb = target.server.peakRssMb();
    if (target.api) {
      const stored = await countInbox(target.api);
      const expected = plan.warmup.length + run.load.accepted;
      run.inboxCheck = `Inbox holds ${stored} messages after the run, ${expected} were accepted (warm-up included)${stored === expected ? '' : ' — MISMATCH'}`;
    }
    console.log(
      `  ${label}: ${(run.load.accepted / run.load.seconds).toFixed(1)} msg/s, ${run.load.failures.length} failures, peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    );
    if (run.load.failures.length > 0) run.serverStderr = target.server.stderrTail().slice(-3000);
  } catch (error) {
    run.error = `${String(error)}\nserver stderr tail:\n${target.server.stderrTail().slice(-3000)}`;
  } finally {
    await target.stop();
  }
  return run;
}

async function main(): Promise<number> {
  if (subjectIsChitbox) buildChitbox(repoRoot);
  const startedAt = new Date();
  const subjectLabel = subjectIsChitbox ? (database === 'postgresql' ? 'ChitBox on PostgreSQL' : 'ChitBox') : 'baseline-as-subject';
  const client = useSmtpSource
    ? `Postfix smtp-source (-d -s ${sessions}, one identical message per load via -F)`
    : `Node raw-socket client (${sessions} sessions, connections reused, no pipelining, every message distinct)`;
  const report: BenchReport = {
    startedAt,
    subjectLabel,
    client,
    comparisons: [],
    latencyTargetMs: 20,
    notes: [
      'each server is started fresh for each load and stopped after it; peak RSS is its VmHWM',
      'ChitBox runs as npm start runs it: the compiled build (npm run build:api) under plain node; the baseline runs under tsx',
      useSmtpSource
        ? `msg/s counts accepted messages over one smtp-source run (its ${sessions} greetings included), after an untimed warm-up run`
        : 'msg/s counts accepted messages over the timed part only (sessions already greeted, after an untimed warm-up)',
      'server CPU is the user + system time of all the server process threads over warm-up and timed part, per message sent',
      `msg/s is the median of ${rounds} rounds, the servers taking turns to go first; peak RSS is the highest round`,
      `load average at start: ${loadavg().map((value) => value.toFixed(2)).join(' ')} (the machine may be shared)`,
    ],
  };

  for (const plan of buildPlans()) {
    console.log(`load: ${plan.name}`);
    const comparison: LoadComparison = {
      name: plan.name,
      minRatio: plan.minRatio,
      maxRssMb: subjectIsChitbox ? plan.maxRssMb : undefined,
      baseline: { label: 'baseline', rounds: [] },
      subject: { label: subjectLabel, rounds: [] },
      reference: measureReference ? { label: 'reference', rounds: [] } : undefined,
    };
    for (let round = 0; round < rounds; round++) {
      const steps = [
        async () => comparison.baseline.rounds.push(await measure(() => startBaseline(repoRoot), 'baseline', plan)),
        async () => comparison.subject.rounds.push(await measure(startSubject, subjectLabel, plan)),
        ...(comparison.reference
          ? [async () => comparison.reference!.rounds.push(await measure(() => startReferenceStore(repoRoot), 'reference', plan))]
          : []),
      ];
      // Rotate who goes first, so none always meets a warmer or busier machine.
      for (let i = 0; i < steps.length; i++) await steps[(round + i) % steps.length]!();
    }
    report.comparisons.push(comparison);
  }

  if (parts.has('latency')) {
    if (!subjectIsChitbox) {
      report.notes.push('new_email latency skipped: the baseline has no Socket.IO');
    } else {
      console.log('latency: new_email after 250');
      let target: BenchTarget | undefined;
      try {
        target = await startChitbox(repoRoot, {}, database);
        if (!target.api) throw new Error('ChitBox target without API');
        report.latency = await measureNewEmailLatency({
          smtpPort: target.smtpPort,
          api: target.api,
          count: positiveInt('latency', flags.latency),
          eventTimeoutMs: 5_000,
          replyTimeoutMs: REPLY_TIMEOUT_MS,
        });
      } catch (error) {
        report.latencyError = `${String(error)}${target ? `\nserver stderr tail:\n${target.server.stderrTail().slice(-3000)}` : ''}`;
      } finally {
        await target?.stop();
      }
    }
  }

  report.notes.push(`load average at end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const markdown = formatReport(report);
  console.log(`\n${markdown}`);
  mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  const reportFile = database === 'postgresql' ? '.bench/postgresql.md' : '.bench/last.md';
  writeFileSync(join(repoRoot, reportFile), `${markdown}\n`);
  console.log(`written to ${reportFile}`);

  const anyFailure =
    report.comparisons.some((c) =>
      serversOf(c).some((server) => server.rounds.some((run) => run.error || run.load?.failures.length)),
    ) ||
    report.latencyError !== undefined ||
    (report.latency?.failures.length ?? 0) > 0;
  return anyFailure ? 1 : 0;
}

/** --scanners: its own comparison, ChitBox against itself with the scanners off. */
async function scannerMain(): Promise<number> {
  const given = (name: 'small' | 'large', fallback: number) =>
    process.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)) ? positiveInt(name, flags[name]) : fallback;
  const small = given('small', 300);
  // Enough 1 MB messages for a p99 of the event-loop lag: 50 gave the timed part
  // under a second, about 70 samples of prom-client's 10 ms histogram, so its
  // p99 was the single worst turn (JIT, the heap's first growth) of each run.
  const large = given('large', 300);
  const loads = [
    ...(parts.has('small') ? [{
      name: `${small} × ~4 KB multipart/alternative`,
      warmup: Array.from({ length: 100 }, (_, i) => smallAlternativeMessage(i, 'warmup small')),
      timed: Array.from({ length: small }, (_, i) => smallAlternativeMessage(i, 'small')),
    }] : []),
    ...(parts.has('large') ? [{
      name: `${large} × ~1 MB with base64 attachment`,
      warmup: Array.from({ length: 40 }, (_, i) => largeAttachmentMessage(i, 'warmup large')),
      timed: Array.from({ length: large }, (_, i) => largeAttachmentMessage(i, 'large')),
    }] : []),
  ];
  const markdown = await runScannerBench(repoRoot, loads, sessions, rounds);
  console.log(`\n${markdown}`);
  mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  writeFileSync(join(repoRoot, '.bench/scanners.md'), `${markdown}\n`);
  console.log('written to .bench/scanners.md');
  return markdown.includes('MISMATCH') ? 1 : 0;
}

(flags.scanners ? scannerMain() : main()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
