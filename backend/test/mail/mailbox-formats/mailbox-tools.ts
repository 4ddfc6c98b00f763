// Outside programs that read and write mailboxes: Python's mailbox module and
// mutt. A test that needs one skips, saying so, where it is not installed
// (CI installs both: scripts/install-mail-tools.sh).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const missing = new Map<string, boolean>();

export function toolMissing(command: string): boolean {
  let gone = missing.get(command);
  if (gone === undefined) {
    gone = spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0;
    missing.set(command, gone);
    if (gone) console.log(`skipped: ${command} is not installed (scripts/install-mail-tools.sh installs it)`);
  }
  return gone;
}

/** Runs a Python script with arguments; its stdout is JSON. */
export function python(script: string, args: string[]): unknown {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * Opens a mailbox read-only in mutt on a pseudo-terminal (script(1)) and
 * reads mutt's own counts from its status line: how many messages it found,
 * how many unread, how many flagged.
 */
export function muttCounts(mailbox: string): { messages: number; unread: number; flagged: number } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-mutt-'));
  // Without ~/Mail mutt asks whether to create it, and waits.
  fs.mkdirSync(path.join(home, 'Mail'));
  try {
    const command = [
      'mutt', '-n', '-R', '-F', '/dev/null', '-f', shellQuote(mailbox),
      '-e', shellQuote('set status_format="CHITBOX messages=%m unread=%u flagged=%F END" wait_key=no sort=mailbox-order'),
      '-e', shellQuote('push <quit>'),
    ].join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, TERM: 'xterm', HOME: home, MAIL: '', LINES: '24', COLUMNS: '120' },
    });
    const m = /CHITBOX messages=(\d+) unread=(\d+) flagged=(\d+) END/.exec(r.stdout ?? '');
    if (!m) throw new Error(`mutt did not show its status line (exit ${r.status}): ${(r.stdout ?? '').slice(-500)} ${r.stderr ?? ''}`);
    return { messages: Number(m[1]), unread: Number(m[2]), flagged: Number(m[3]) };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
