// Small helpers for the operations tests: HTTP from a chosen local address,
// Prometheus text parsing, the CLI as a child process or in this one, and
// bounded waiting.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { runCli as runCliCommand } from '../../src/cli/cli.js';
import { cliOpener } from '../../src/cli-open.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';

export { REPO_ROOT as ROOT } from '../support/child-server.js';
import { REPO_ROOT as ROOT } from '../support/child-server.js';
import { databaseEnv } from '../support/pg-test-db.js';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** HTTP with a chosen local address (127.0.0.2 is not exempt from rate limits). */
export function request(
  baseUrl: string, method: string, p: string,
  opts: { body?: unknown; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<RawResponse> {
  const url = new URL(p, baseUrl);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: opts.localAddress,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('HTTP timeout')));
    req.end(payload);
  });
}

/** Sum of the samples of a metric whose labels include all of `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? ([-\d.eE+]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      sum += Number(m[4]);
      found = true;
    }
  }
  if (!found) throw new Error(`metric ${name}${JSON.stringify(labels)} not found`);
  return sum;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI's whole environment: its own only, the database that goes with DATA_DIR. */
async function cliEnv(env: Record<string, string>): Promise<Record<string, string>> {
  const dbEnv = env.DATA_DIR ? await databaseEnv(env.DATA_DIR) : {};
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', BCRYPT_COST: '4', ...dbEnv, ...env };
}

/**
 * Runs `npm run cli -- ...` the way an operator does (without npm's banner).
 * A process costs a second of CPU loading modules: cli-process.test.ts
 * covers what only a process shows, the rest use runCliInProcess.
 */
export async function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  const childEnv = await cliEnv(env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'backend/src/cli-main.ts'), ...args], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000); // a hung CLI, not a slow one
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/**
 * The same command in this process: cli-main.ts's runCli and opener on the
 * environment runCli gives the child, with stdout, stderr (log lines too) and
 * stdin its own. It opens and closes a core on the same database, as one run
 * of the CLI does; exit code and output are asserted as for the process.
 */
export async function runCliInProcess(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stderrSink = { write: (text: string) => (stderr += text) };
  const code = await runCliCommand(args, cliOpener(await cliEnv(env), stderrSink), {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: stderrSink,
    readStdin: async () => stdin ?? '',
  });
  return { code, stdout, stderr };
}

/** Polls until `check` returns a value (not undefined/false), or throws after timeoutMs. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const REPLY_WAIT_MS = 120_000;

/** One plain unauthenticated SMTP transaction over a raw socket; returns the final reply. */
export async function sendRaw(
  port: number, to: string, body: string, opts: { localAddress?: string; from?: string } = {},
): Promise<{ replies: string[]; client: SmtpLineClient }> {
  const client = await SmtpLineClient.connect(port, '127.0.0.1', opts.localAddress);
  // Replies are waited for, not timed: a busy machine may take seconds to answer.
  const replies = [await client.reply(REPLY_WAIT_MS)];
  for (const cmd of ['EHLO client.test', `MAIL FROM:<${opts.from ?? 'sender@remote.test'}>`, `RCPT TO:<${to}>`, 'DATA']) {
    const r = await client.command(cmd, REPLY_WAIT_MS);
    replies.push(r);
    if (!/^[23]/.test(r)) {
      client.destroy();
      return { replies, client };
    }
  }
  client.write(`${body.replace(/\n/g, '\r\n')}\r\n.\r\n`);
  replies.push(await client.reply(REPLY_WAIT_MS));
  await client.command('QUIT').catch(() => undefined);
  client.destroy();
  return { replies, client };
}
