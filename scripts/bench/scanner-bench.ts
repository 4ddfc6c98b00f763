// npm run bench -- --scanners: the same loads through ChitBox with spamd and
// clamd off, then on (throwaway daemons as the tests start them), to show
// what scanning costs per message and that its waiting stays off ChitBox's
// event loop (nodejs_eventloop_lag_p99_seconds over the timed part).
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DaemonScanner } from '../../backend/src/scanning/daemon-scanner.js';
import { startClamd, startSpamd, type ScannerDaemon } from '../../backend/test/support/scanner-daemons.js';
import { largeAttachmentMessage, smallAlternativeMessage, type WireMessage } from './bench-messages.js';
import { buildChitbox, countInbox, startChitbox } from './bench-targets.js';
import { delayBeyondInterval, lagP99FromMetrics } from './event-loop-lag.js';
import { runNodeLoad } from './node-load-client.js';

export interface ScannerLoad {
  name: string;
  warmup: WireMessage[];
  timed: WireMessage[];
}

interface ModeRun {
  mode: 'off' | 'on';
  msgPerSecond: number;
  failures: number;
  chitboxCpuMs: number;
  spamdCpuMs: number | null;
  clamdCpuMs: number | null;
  lagP99Ms: number;
  inboxOk: boolean;
}

const REPLY_TIMEOUT_MS = 120_000;
const CLOCK_TICKS_PER_SECOND = 100;

export async function runScannerBench(repoRoot: string, loads: ScannerLoad[], sessions: number, rounds: number): Promise<string> {
  buildChitbox(repoRoot);
  const [spamd, clamd] = await Promise.all([startSpamd(), startClamd()]);
  const lines: string[] = [];
  try {
    lines.push(
      `# Scanner bench, ${new Date().toISOString()}`,
      '',
      `${sessions} SMTP sessions, connections reused; each server fresh per run; median of ${rounds} rounds (off and on take turns to go first).`,
      `spamd started in ${spamd.startupMs.toFixed(0)} ms, clamd in ${clamd.startupMs.toFixed(0)} ms (test daemons: spamd -L with 2 children, clamd with a one-signature database).`,
      `Load average at start: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`,
      '',
    );
    const env = {
      SMTP_ENABLE_SPAMASSASSIN: 'true', SMTP_SPAMASSASSIN_HOST: spamd.host, SMTP_SPAMASSASSIN_PORT: String(spamd.port),
      SMTP_ENABLE_CLAMAV: 'true', SMTP_CLAMAV_HOST: clamd.host, SMTP_CLAMAV_PORT: String(clamd.port),
    };
    for (const load of loads) {
      console.log(`scanner load: ${load.name}`);
      const runs: Record<'off' | 'on', ModeRun[]> = { off: [], on: [] };
      for (let round = 0; round < rounds; round++) {
        const order: Array<'off' | 'on'> = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
        for (const mode of order) {
          const run = await measure(repoRoot, load, sessions, mode, mode === 'on' ? env : {}, spamd, clamd);
          console.log(`  scanners ${mode}: ${run.msgPerSecond.toFixed(1)} msg/s, lag p99 ${run.lagP99Ms.toFixed(1)} ms, ${run.failures} failures`);
          runs[mode].push(run);
        }
      }
      const off = median(runs.off);
      const on = median(runs.on);
      const perMessageMs = (r: ModeRun) => (1000 * sessions) / r.msgPerSecond;
      lines.push(
        `## ${load.name}`,
        '',
        '| scanners | msg/s | time per message per session | ChitBox CPU/msg | spamd CPU/msg | clamd CPU/msg | event-loop lag p99 | failures | Inbox count |',
        '|---|---|---|---|---|---|---|---|---|',
        ...[off, on].map(
          (r) =>
            `| ${r.mode} | ${r.msgPerSecond.toFixed(1)} | ${perMessageMs(r).toFixed(1)} ms | ${r.chitboxCpuMs.toFixed(2)} ms | ${fmt(r.spamdCpuMs)} | ${fmt(r.clamdCpuMs)} | ${r.lagP99Ms.toFixed(1)} ms | ${r.failures} | ${r.inboxOk ? 'matches' : 'MISMATCH'} |`,
        ),
        '',
        `Scanning adds ${(perMessageMs(on) - perMessageMs(off)).toFixed(1)} ms per message per session (throughput ${((on.msgPerSecond / off.msgPerSecond) * 100).toFixed(0)} % of scanners off); ` +
          `all runs' lag p99: off ${runs.off.map((r) => r.lagP99Ms.toFixed(1)).join(', ')} ms, on ${runs.on.map((r) => r.lagP99Ms.toFixed(1)).join(', ')} ms (target < 20 ms).`,
        '',
      );
    }
    lines.push('## Yardsticks', '', ...(await clientAlone()), `- ${await idleLoopLag()}`, '');
    lines.push(
      'Notes: CPU is user + system time over warm-up and timed part, per message sent; spamd\'s includes its children (live and reaped).',
      'Lag is prom-client\'s nodejs_eventloop_lag_p99_seconds (perf_hooks monitorEventLoopDelay, sampled every 10 ms) less the 10 ms sampling interval it includes (event-loop-lag.ts), reset by a scrape just before the timed part and read just after it.',
      'Messages over SPAMASSASSIN_MAX_BYTES (512000 by default) are not sent to spamd, so the 1 MB load is scanned by clamd only.',
      `Load average at end: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`,
    );
  } finally {
    await Promise.all([spamd.stop(), clamd.stop()]);
  }
  return lines.join('\n');
}

async function measure(
  repoRoot: string, load: ScannerLoad, sessions: number, mode: 'off' | 'on', env: Record<string, string>,
  spamd: ScannerDaemon, clamd: ScannerDaemon,
): Promise<ModeRun> {
  const target = await startChitbox(repoRoot, env);
  try {
    const metricsUrl = `${target.api!.baseUrl}/metrics`;
    const cpu = () => ({ chitbox: target.server.cpuSeconds(), spamd: groupCpuSeconds(spamd.pid), clamd: groupCpuSeconds(clamd.pid) });
    const before = cpu();
    const result = await runNodeLoad({
      port: target.smtpPort,
      sessions,
      replyTimeoutMs: REPLY_TIMEOUT_MS,
      warmup: load.warmup,
      timed: load.timed,
      // prom-client resets the event-loop histogram on every scrape.
      beforeTimed: async () => void (await fetch(metricsUrl).then((r) => r.text())),
    });
    const lagP99Ms = lagP99FromMetrics(await (await fetch(metricsUrl)).text());
    const after = cpu();
    const sent = load.warmup.length + result.sent;
    const perMessage = (a: number, b: number) => ((a - b) * 1000) / sent;
    const stored = await countInbox(target.api!);
    return {
      mode,
      msgPerSecond: result.accepted / result.seconds,
      failures: result.failures.length,
      chitboxCpuMs: perMessage(after.chitbox, before.chitbox),
      spamdCpuMs: mode === 'on' ? perMessage(after.spamd, before.spamd) : null,
      clamdCpuMs: mode === 'on' ? perMessage(after.clamd, before.clamd) : null,
      lagP99Ms,
      inboxOk: stored === load.warmup.length + result.accepted,
    };
  } finally {
    await target.stop();
  }
}

/** CPU of a process group: its live members, plus what the leader reaped from children that exited. */
function groupCpuSeconds(leader: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state ppid pgrp ... utime(11) stime(12) cutime(13) cstime(14).
    if (Number(fields[2]) !== leader) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
    if (Number(entry) === leader) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

function median(runs: ModeRun[]): ModeRun {
  const sorted = [...runs].sort((a, b) => a.msgPerSecond - b.msgPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (ms: number | null) => (ms === null ? '–' : `${ms.toFixed(2)} ms`);

/**
 * The clients' own cost, without real daemons: fake spamd and clamd that read
 * the whole message and answer at once, in a worker thread so their work
 * stays off the measured event loop (process CPU still counts them).
 */
async function clientAlone(): Promise<string[]> {
  const worker = new Worker(
    `const net = require('node:net'); const { parentPort } = require('node:worker_threads');
     const answer = (text) => net.createServer((s) => { s.on('data', () => {}); s.on('end', () => s.end(text)); });
     const spam = answer('SPAMD/1.1 0 EX_OK\\r\\nContent-length: 0\\r\\nSpam: False ; 0.1 / 5.0\\r\\n\\r\\n');
     const clam = answer('stream: OK\\0');
     spam.listen(0, '127.0.0.1', () => clam.listen(0, '127.0.0.1', () => parentPort.postMessage([spam.address().port, clam.address().port])));`,
    { eval: true },
  );
  try {
    const [spamPort, clamPort] = await new Promise<number[]>((resolve) => worker.once('message', resolve));
    const scanner = new DaemonScanner({
      spamd: { host: '127.0.0.1', port: spamPort!, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxBytes: 1 << 26 },
      clamd: { host: '127.0.0.1', port: clamPort!, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxBytes: 1 << 26 },
    });
    const out: string[] = [];
    for (const [label, make, count] of [['4 KB', smallAlternativeMessage, 2000], ['1 MB', largeAttachmentMessage, 200]] as const) {
      const messages = Array.from({ length: count }, (_, i) => make(i, 'client').wireBytes);
      for (const m of messages.slice(0, 20)) await scanner.scan(m);
      const lag = monitorEventLoopDelay({ resolution: 1 });
      lag.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < count; i += 20) await Promise.all(messages.slice(i, i + 20).map((m) => scanner.scan(m)));
      lag.disable();
      const used = process.cpuUsage(cpu);
      out.push(
        `- clients alone, ${label}: ${count} scans 20 at a time to fake daemons (both get the whole message): ` +
          `${((used.user + used.system) / 1000 / count).toFixed(2)} ms process CPU and ${((performance.now() - started) / count).toFixed(2)} ms wall per scan, ` +
          `event-loop delay p99 ${delayBeyondInterval(lag, 99, 1).toFixed(1)} ms`,
      );
    }
    return out;
  } finally {
    await worker.terminate();
  }
}

/** How late an idle event loop runs on this machine right now: the floor under every lag above. */
async function idleLoopLag(): Promise<string> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  lag.disable();
  return `an idle event loop in the bench process over 5 s: delay p99 ${delayBeyondInterval(lag, 99, 1).toFixed(1)} ms, max ${Math.max(0, lag.max / 1e6 - 1).toFixed(1)} ms`;
}
