// Real spamd and clamd for the tests: throwaway foreground processes on free
// loopback ports, each with its own temp directory, started from the Debian
// binaries (scripts/install-mail-tools.sh installs them). No network: spamd
// runs local tests only (-L) and ships GTUBE; clamd gets a one-line
// signature database made here for the EICAR test file, no freshclam.
// Ready means the daemon answered PING, never a sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ClamdClient } from '../../src/scanning/clamd-client.js';
import { SpamdClient } from '../../src/scanning/spamd-client.js';

/**
 * The EICAR anti-virus test file (https://www.eicar.org), joined at run time
 * so that no file in the repository holds it whole and a developer's own
 * virus scanner leaves the source alone.
 */
export const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');

/** SpamAssassin's Generic Test for Unsolicited Bulk Email: scores 1000. */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

export interface ScannerDaemon {
  readonly name: 'spamd' | 'clamd';
  readonly host: string;
  readonly port: number;
  /** the daemon's pid, also its process group (spamd's children are in it) */
  readonly pid: number;
  /** from spawn to the first PONG */
  readonly startupMs: number;
  /** what the daemon logged so far (spamd: stderr; clamd: its log file) */
  log(): string;
  /** resolves once `pattern` appears in the log (bounded by timeoutMs) */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM to its process group, then waits for the exit */
  stop(): Promise<void>;
}

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The path of a daemon binary on PATH or in the sbin directories (often not on a user's PATH). */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Why the daemon tests cannot run here, or null when they can. In CI a
 * missing binary is a failure, not a skip: .ci/run installs them.
 */
export function daemonsMissing(): string | null {
  const missing = ['spamd', 'clamd'].filter((b) => !findBinary(b));
  if (missing.length === 0) return null;
  const reason = `${missing.join(' and ')} not installed (bash scripts/install-mail-tools.sh installs them)`;
  if (process.env.CI) throw new Error(`CI must run the scanner tests: ${reason}`);
  console.warn(`skipping scanner tests: ${reason}`);
  return reason;
}

const READY_TIMEOUT_MS = 180_000;

// A test process that dies leaves no daemon behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function startSpamd(): Promise<ScannerDaemon> {
  const binary = findBinary('spamd');
  if (!binary) throw new Error('spamd not installed');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'chitbox-spamd-'));
  const bayesDir = path.join(dir, 'bayes');
  const home = path.join(dir, 'home');
  await fsp.mkdir(bayesDir);
  await fsp.mkdir(home);
  // Started as root, spamd's children drop to "nobody", who must write the Bayes files.
  if (process.getuid?.() === 0) {
    await fsp.chmod(dir, 0o755);
    await fsp.chmod(bayesDir, 0o777);
    await fsp.chmod(home, 0o777);
  }
  return startDaemon('spamd', dir, async (port) => {
    const args = [
      '--syslog=stderr', // log to stderr, which we keep
      '-x', // no per-user config files
      '-L', // local tests only: no DNS or network lookups
      '--allow-tell', // TELL, for learning
      `--listen=127.0.0.1:${port}`,
      '--allowed-ips=127.0.0.1',
      '--max-children=2',
      '--min-children=1',
      '--min-spare=1',
      '--max-spare=2',
      `--pidfile=${path.join(dir, 'spamd.pid')}`,
      `--helper-home-dir=${home}`,
      `--cf=bayes_path ${path.join(bayesDir, 'bayes')}`,
      '--cf=bayes_file_mode 0777',
      // Learning answers depend only on what the test told spamd.
      '--cf=bayes_auto_learn 0',
    ];
    const client = new SpamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 2_000, timeoutMs: 10_000 });
    return { child: spawn(binary, args, { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] }), ping: () => client.ping(), logFile: null };
  });
}

export async function startClamd(opts: { streamMaxLength?: string } = {}): Promise<ScannerDaemon> {
  const binary = findBinary('clamd');
  if (!binary) throw new Error('clamd not installed');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'chitbox-clamd-'));
  const dbDir = path.join(dir, 'db');
  const tmpDir = path.join(dir, 'tmp');
  await fsp.mkdir(dbDir);
  await fsp.mkdir(tmpDir);
  // An extended signature (.ndb: name, target 0 = any file, offset * = anywhere,
  // hex). It matches in every file clamd extracts: MIME parts, zip members.
  await fsp.writeFile(path.join(dbDir, 'chitbox-test.ndb'), `Eicar-Test-Signature:0:*:${EICAR.toString('hex')}\n`);
  const logFile = path.join(dir, 'clamd.log');
  return startDaemon('clamd', dir, async (port) => {
    const conf = path.join(dir, 'clamd.conf');
    await fsp.writeFile(
      conf,
      [
        'Foreground yes',
        `TCPSocket ${port}`,
        'TCPAddr 127.0.0.1',
        `DatabaseDirectory ${dbDir}`,
        `TemporaryDirectory ${tmpDir}`,
        `PidFile ${path.join(dir, 'clamd.pid')}`,
        `LogFile ${logFile}`,
        'LogTime yes',
        'MaxThreads 2',
        `StreamMaxLength ${opts.streamMaxLength ?? '25M'}`,
        '',
      ].join('\n'),
    );
    await fsp.rm(logFile, { force: true });
    const client = new ClamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 2_000, timeoutMs: 10_000 });
    return {
      child: spawn(binary, [`--config-file=${conf}`], { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] }),
      ping: () => client.ping(),
      logFile,
    };
  });
}

interface Launch {
  child: ChildProcess;
  ping(): Promise<void>;
  logFile: string | null;
}

async function startDaemon(name: 'spamd' | 'clamd', dir: string, launch: (port: number) => Promise<Launch>): Promise<ScannerDaemon> {
  // A free port can be taken between our probe and the daemon's bind: then it exits, and we try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = process.hrtime.bigint();
    const { child, ping, logFile } = await launch(port);
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      stderr = (stderr + s).slice(-256 * 1024);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const log = () => stderr + (logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    const ready = await waitReady(ping, exited);
    if (ready === 'exited') {
      if (attempt < 3) continue;
      await fsp.rm(dir, { recursive: true, force: true });
      throw new Error(`${name} exited before answering PING:\n${log().slice(-4000)}`);
    }
    if (ready === 'timeout') {
      killGroup(child, 'SIGKILL');
      throw new Error(`${name} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${log().slice(-4000)}`);
    }
    const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
    let stopping: Promise<void> | null = null;
    return {
      name,
      host: '127.0.0.1',
      port,
      pid: child.pid!,
      startupMs,
      log,
      async waitForLog(pattern, timeoutMs = 30_000) {
        const until = Date.now() + timeoutMs;
        for (let delay = 10; !pattern.test(log()); delay = Math.min(delay * 2, 200)) {
          if (Date.now() > until) throw new Error(`${name} never logged ${pattern}:\n${log().slice(-4000)}`);
          await new Promise((r) => setTimeout(r, delay));
        }
      },
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            killGroup(child, 'SIGTERM');
            const hard = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
            await exited;
            clearTimeout(hard);
          }
          await fsp.rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  }
}

/** PING until PONG, backing off; 'exited' if the process ends first. */
async function waitReady(ping: () => Promise<void>, exited: Promise<number | null>): Promise<'ready' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + READY_TIMEOUT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    if (gone) return 'exited';
    try {
      await ping();
      return 'ready';
    } catch {
      // not listening yet
    }
    if (Date.now() > until) return 'timeout';
    await Promise.race([new Promise((r) => setTimeout(r, delay)), exited]);
  }
}

/** The daemon and the children it forked (spawned detached: its own process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
