// A server under test, run as its own process so its memory can be read from
// /proc and so a crash in it cannot take the bench down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  /** Everything the child wrote to stderr, kept to explain failures. */
  stderrTail(): string;
  /** Peak resident set size so far, in MB (the kernel's VmHWM). */
  peakRssMb(): number;
  /** CPU time used so far by all its threads, user + system, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The child prints this on stdout once it accepts connections. */
  readyLine: string;
  readyTimeoutMs: number;
}

const STDERR_KEEP_CHARS = 8_000;
const STOP_GRACE_MS = 5_000;

// Every child still running, so an error or Ctrl-C anywhere stops them all.
const running = new Set<ChildProcess>();

function killAllSync(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllSync();
    process.exit(130);
  });
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`not ready after ${options.readyTimeoutMs} ms`),
      options.readyTimeoutMs,
    );
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${options.name} ${why}\n--- stdout ---\n${stdout.slice(-2000)}\n--- stderr ---\n${stderr}`));
    }
    // The ready line is looked for in what came since the last piece's end, not
    // in the kept start: a child run with diagnostics (--trace-gc) may print
    // more than that before it is ready.
    let recent = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep reading stdout after ready, or a chatty child blocks on a full pipe.
      if (stdout.length < STDERR_KEEP_CHARS) stdout += chunk;
      recent = recent.slice(-options.readyLine.length) + chunk;
      if (recent.includes(options.readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => fail(`exited before ready (code ${code}, signal ${signal})`));
  });

  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} has no pid`);
  return {
    name: options.name,
    pid,
    stderrTail: () => stderr,
    peakRssMb: () => {
      // Once the child is gone its /proc entry is too; say why instead of ENOENT.
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${options.name} exited during the run (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      return readPeakRssMb(pid);
    },
    cpuSeconds: () => readCpuSeconds(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

// /proc/<pid>/stat: utime and stime (fields 14 and 15) count every thread, in
// clock ticks (100 per second on Linux). The name before them may hold spaces.
const CLOCK_TICKS_PER_SECOND = 100;

function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** A loopback port that was free a moment ago, for servers that need one named up front. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port from probe listener'));
      });
    });
  });
}
