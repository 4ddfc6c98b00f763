// Turns measurements into the markdown table the bench prints and keeps in
// .bench/last.md. Only formatting lives here; nothing is measured.
import { cpus } from 'node:os';
import type { LatencyResult } from './new-email-latency.js';
import type { LoadResult } from './node-load-client.js';

/** One fresh server, one load. */
export interface ServerRun {
  label: string;
  load?: LoadResult;
  peakRssMb?: number;
  /** The server's CPU time (all threads) per message of the load, warm-up included. */
  cpuMsPerMessage?: number;
  /** Why the run produced no numbers, with the server's stderr when it helps. */
  error?: string;
  /** ChitBox only: Inbox count read back over the API after the load. */
  inboxCheck?: string;
  /** The server's stderr, kept when some messages were refused. */
  serverStderr?: string;
}

/** The same server and load repeated; the machine is shared, so one run is noise. */
export interface ServerRounds {
  label: string;
  rounds: ServerRun[];
}

export interface LoadComparison {
  name: string;
  minRatio: number;
  /** Peak RSS ceiling for ChitBox in this load, when there is one. */
  maxRssMb?: number;
  subject: ServerRounds;
  baseline: ServerRounds;
  /** The yardstick, a minimal durable SQLite store (reference-store-server.ts), when measured. */
  reference?: ServerRounds;
}

export interface BenchReport {
  startedAt: Date;
  subjectLabel: string;
  client: string;
  comparisons: LoadComparison[];
  latency?: LatencyResult;
  latencyError?: string;
  latencyTargetMs: number;
  notes: string[];
}

function roundRate(run: ServerRun): number | undefined {
  return run.load ? run.load.accepted / run.load.seconds : undefined;
}

/** Median msg/s over the rounds that finished; undefined when any round failed. */
/** a / b, when both were measured (and b is not zero) */
function ratioOf(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b ? a / b : undefined;
}

function rate(server: ServerRounds): number | undefined {
  const rates = server.rounds.map(roundRate);
  if (rates.length === 0 || rates.some((value) => value === undefined)) return undefined;
  const sorted = (rates as number[]).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function peakRss(server: ServerRounds): number | undefined {
  const peaks = server.rounds.flatMap((run) => (run.peakRssMb === undefined ? [] : [run.peakRssMb]));
  return peaks.length ? Math.max(...peaks) : undefined;
}

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown cpu';
  lines.push(`## ChitBox bench, ${report.startedAt.toISOString()}`);
  lines.push('');
  lines.push(`machine: ${cpus().length} cores (${cpuModel}), node ${process.version}, ${process.platform}`);
  lines.push(`load client: ${report.client}`);
  lines.push('');
  const subject = report.subjectLabel;
  lines.push(
    `| load | ${subject} msg/s | baseline msg/s | ratio | target | ${subject} peak RSS MB | baseline peak RSS MB | failures ${subject} / baseline |`,
  );
  lines.push('|---|---:|---:|---:|---|---:|---:|---|');
  for (const comparison of report.comparisons) {
    const subjectRate = rate(comparison.subject);
    const baselineRate = rate(comparison.baseline);
    const ratio = ratioOf(subjectRate, baselineRate);
    const verdict = ratio === undefined ? 'n/a' : ratio >= comparison.minRatio ? 'met' : 'MISSED';
    const rss = peakRss(comparison.subject);
    const rssVerdict =
      comparison.maxRssMb !== undefined && rss !== undefined
        ? ` (< ${comparison.maxRssMb}: ${rss < comparison.maxRssMb ? 'met' : 'MISSED'})`
        : '';
    // Three decimals: a ratio just under its target (0.4988) must not print as the target.
    lines.push(
      `| ${comparison.name} | ${fixed(subjectRate)} | ${fixed(baselineRate)} | ${fixed(ratio, 3)} | ≥ ${comparison.minRatio}: ${verdict} | ${fixed(rss, 0)}${rssVerdict} | ${fixed(peakRss(comparison.baseline), 0)} | ${failureCount(comparison.subject)} / ${failureCount(comparison.baseline)} |`,
    );
  }
  lines.push('');
  lines.push(...referenceTable(report));
  if (report.latency) {
    const latency = report.latency;
    const verdict = latency.p99 < report.latencyTargetMs && latency.failures.length === 0 ? 'met' : 'MISSED';
    lines.push(`new_email latency, 250 → socket.io-client, ${latency.measured}/${latency.sent} sequential messages on one connection:`);
    lines.push('');
    lines.push('| p50 ms | p95 ms | p99 ms | max ms | target p99 | events before 250 (clamped to 0) | unclamped p50 ms | failures |');
    lines.push('|---:|---:|---:|---:|---|---:|---:|---:|');
    lines.push(
      `| ${fixed(latency.p50, 2)} | ${fixed(latency.p95, 2)} | ${fixed(latency.p99, 2)} | ${fixed(latency.max, 2)} | < ${report.latencyTargetMs}: ${verdict} | ${latency.eventsBefore250} | ${fixed(latency.signedP50, 3)} | ${latency.failures.length} |`,
    );
    lines.push('');
  } else if (report.latencyError) {
    lines.push(`new_email latency: not measured: ${report.latencyError}`);
    lines.push('');
  }
  const details = collectDetails(report);
  if (details.length > 0) {
    lines.push('Details:');
    lines.push('');
    lines.push(...details.map((detail) => `- ${detail}`));
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * The same loads against the yardstick: what a minimal durable store
 * (parse, one SQLite row with the raw bytes, fsync, 250) reaches in this run.
 */
function referenceTable(report: BenchReport): string[] {
  const measured = report.comparisons.filter((c) => c.reference);
  if (measured.length === 0) return [];
  const subject = report.subjectLabel;
  const lines = [
    'Yardstick, same run: a minimal durable SQLite store (scripts/bench/reference-store-server.ts: the baseline plus one row with the raw bytes per message, WAL, synchronous=FULL, committed before the 250; no blob files):',
    '',
    `| load | reference msg/s | reference / baseline | ${subject} / reference | failures reference |`,
    '|---|---:|---:|---:|---|',
  ];
  for (const c of measured) {
    const referenceRate = rate(c.reference!);
    const baselineRate = rate(c.baseline);
    const subjectRate = rate(c.subject);
    lines.push(
      `| ${c.name} | ${fixed(referenceRate)} | ${fixed(ratioOf(referenceRate, baselineRate), 2)} | ${fixed(ratioOf(subjectRate, referenceRate), 2)} | ${failureCount(c.reference!)} |`,
    );
  }
  lines.push('');
  return lines;
}

/** Every server measured under one load: the subject, the baseline and, when measured, the yardstick. */
export function serversOf(comparison: LoadComparison): ServerRounds[] {
  return [comparison.subject, comparison.baseline, ...(comparison.reference ? [comparison.reference] : [])];
}

function failureCount(server: ServerRounds): string {
  if (server.rounds.some((run) => run.error && !run.load)) return 'error';
  return String(server.rounds.reduce((sum, run) => sum + (run.load?.failures.length ?? 0), 0));
}

const FAILURES_SHOWN = 10;

function collectDetails(report: BenchReport): string[] {
  const details = [...report.notes];
  for (const comparison of report.comparisons) {
    for (const [round, run] of serversOf(comparison).flatMap((server) =>
      server.rounds.map((run, index) => [index + 1, run] as const),
    )) {
      const where = `${comparison.name}, ${run.label} round ${round}`;
      if (run.load) {
        details.push(
          `${where}: ${run.load.accepted}/${run.load.sent} accepted in ${run.load.seconds.toFixed(2)} s = ${(run.load.accepted / run.load.seconds).toFixed(1)} msg/s, peak RSS ${fixed(run.peakRssMb, 0)} MB, server CPU ${fixed(run.cpuMsPerMessage, 2)} ms/message`,
        );
      }
      if (run.inboxCheck) details.push(`${where}: ${run.inboxCheck}`);
      if (run.error) details.push(`${where}: ERROR ${run.error}`);
      for (const failure of run.load?.failures.slice(0, FAILURES_SHOWN) ?? []) {
        details.push(`${where}: failed "${failure.subject}" at ${failure.stage}: ${failure.reply}`);
      }
      const hidden = (run.load?.failures.length ?? 0) - FAILURES_SHOWN;
      if (hidden > 0) details.push(`${where}: ... and ${hidden} more failures`);
      if (run.serverStderr) details.push(`${where}: server stderr tail:\n\n\`\`\`\n${run.serverStderr}\n\`\`\``);
    }
  }
  for (const failure of report.latency?.failures.slice(0, FAILURES_SHOWN) ?? []) {
    details.push(`latency: ${failure}`);
  }
  return details;
}
