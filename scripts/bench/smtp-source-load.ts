// The same load through Postfix's smtp-source (unpacked by
// scripts/install-mail-tools.sh), a C client that costs the machine almost
// nothing. Its limit: -F sends one file for every message, so all messages are
// identical (one Message-ID, one attachment a blob store can dedupe). That is
// why the Node client is the default and this one is a cross-check.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_RECIPIENT, BENCH_SENDER, toPlainFile, type WireMessage } from './bench-messages.js';
import type { LoadFailure, LoadResult } from './node-load-client.js';

export function smtpSourcePath(repoRoot: string): string {
  return join(repoRoot, '.tools/postfix/bin/smtp-source');
}

export function hasSmtpSource(repoRoot: string): boolean {
  return existsSync(smtpSourcePath(repoRoot));
}

export interface SmtpSourceLoadOptions {
  repoRoot: string;
  port: number;
  sessions: number;
  warmupCount: number;
  timedCount: number;
  /** The one message every transaction sends. */
  message: WireMessage;
  timeoutMs: number;
}

export async function runSmtpSourceLoad(options: SmtpSourceLoadOptions): Promise<LoadResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'chitbox-bench-source-'));
  try {
    const messageFile = join(workDir, 'message.eml');
    writeFileSync(messageFile, toPlainFile(options.message));
    await runSmtpSource(options, messageFile, options.warmupCount);
    const started = performance.now();
    const { stderr } = await runSmtpSource(options, messageFile, options.timedCount);
    const seconds = (performance.now() - started) / 1000;
    // With -A every refused step is one "warning:" line naming the reply.
    const failures: LoadFailure[] = stderr
      .split('\n')
      .filter((line) => line.includes('warning:'))
      .map((line) => ({ subject: options.message.subject, stage: 'smtp-source', reply: line.replace(/^.*warning: /, '') }));
    return {
      client: `postfix smtp-source -d -s ${options.sessions} -F (one identical message), connections reused`,
      sent: options.timedCount,
      accepted: options.timedCount - failures.length,
      failures,
      seconds,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function runSmtpSource(
  options: SmtpSourceLoadOptions,
  messageFile: string,
  count: number,
): Promise<{ stderr: string }> {
  const args = [
    '-A', // keep going after a refusal and report it, so failures can be counted
    '-d', // reuse each connection for the next message
    '-s', String(options.sessions),
    '-m', String(count),
    '-F', messageFile,
    '-f', BENCH_SENDER,
    '-t', BENCH_RECIPIENT,
    '-M', 'bench.client.test',
    `127.0.0.1:${options.port}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      smtpSourcePath(options.repoRoot),
      args,
      { timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`smtp-source failed: ${error.message}\n${stderr.slice(-2000)}`));
        else resolve({ stderr });
      },
    );
  });
}
