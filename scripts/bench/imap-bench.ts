// npm run bench:imap: the IMAP server's numbers, on the production build.
//
// 1. SMTP 250 → IDLE EXISTS: one session IDLEs in INBOX; one SMTP connection
//    delivers N messages one at a time (default 200); each latency is from the
//    client reading "250" to the IDLE session reading "* n EXISTS" (arrival
//    times taken as lines arrive; an EXISTS read before the 250 counts as 0).
// 2. Opening a 10,000-message INBOX: the INBOX is filled to --messages (10,000)
//    over SMTP, then a fresh session times SELECT INBOX + UID FETCH 1:* (FLAGS)
//    until the tagged OK, five times.
// 3. A full mbsync of the account into an empty Maildir, msg/s; then Dovecot
//    (dovecot-imapd, a foreground process on a private port with a throwaway
//    configuration) serving that same Maildir, and the same full mbsync from it.
//
// Options: --idle N (200) --messages N (10000) --rounds N (5) --skip-dovecot
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ImapLineClient } from '../../backend/test/imap/imap-harness.js';
import { BENCH_RECIPIENT, smallAlternativeMessage } from './bench-messages.js';
import { buildChitbox, startChitbox } from './bench-targets.js';
import { findFreePort } from './child-server.js';
import { SmtpConnection } from './smtp-connection.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'benchpassword1';
const { values: flags } = parseArgs({
  options: {
    idle: { type: 'string', default: '200' },
    messages: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    'skip-dovecot': { type: 'boolean', default: false },
  },
});
const IDLE = Number(flags.idle);
const MESSAGES = Number(flags.messages);
const ROUNDS = Number(flags.rounds);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function session(port: number): Promise<ImapLineClient> {
  const c = await ImapLineClient.connect(port);
  const login = await c.command(`LOGIN ${BENCH_RECIPIENT} ${PASSWORD}`);
  if (!/ OK/.test(login.at(-1)!)) throw new Error(`LOGIN: ${login.join('\n')}`);
  return c;
}

async function idleLatency(imapPort: number, smtpPort: number): Promise<number[]> {
  const idler = await session(imapPort);
  await idler.command('SELECT INBOX');
  await idler.idle();
  const smtp = await SmtpConnection.open(smtpPort, 60_000);
  const latencies: number[] = [];
  for (let i = 0; i < IDLE; i++) {
    const from = idler.lines.length;
    const result = await smtp.deliver(smallAlternativeMessage(i, 'idle'));
    if (!result.ok) throw new Error(`delivery ${i}: ${result.reply.text}`);
    await idler.waitFor((l) => / EXISTS$/.test(l), from);
    const at = idler.times[idler.lines.findIndex((l, j) => j >= from && / EXISTS$/.test(l))]!;
    latencies.push(Math.max(0, at - result.repliedAt));
  }
  await smtp.quit();
  await idler.done();
  idler.close();
  return latencies.sort((a, b) => a - b);
}

async function fill(smtpPort: number, from: number, to: number): Promise<void> {
  const connections = await Promise.all(Array.from({ length: 8 }, () => SmtpConnection.open(smtpPort, 60_000)));
  let next = from;
  await Promise.all(connections.map(async (c) => {
    while (next < to) {
      const i = next++;
      const result = await c.deliver(smallAlternativeMessage(i, 'fill'));
      if (!result.ok) throw new Error(`delivery ${i}: ${result.reply.text}`);
    }
    await c.quit();
  }));
}

async function openInbox(imapPort: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c = await session(imapPort);
    const started = performance.now();
    const selected = await c.command('SELECT INBOX');
    const fetched = await c.command('UID FETCH 1:* (FLAGS)');
    times.push(performance.now() - started);
    const count = fetched.filter((l) => l.startsWith('* ')).length;
    if (!selected.some((l) => l === `* ${MESSAGES} EXISTS`) || count !== MESSAGES) throw new Error(`INBOX showed ${count} of ${MESSAGES}`);
    c.close();
  }
  return times;
}

function mbsyncConfig(port: number, maildir: string): string {
  return [
    'IMAPAccount bench', 'Host 127.0.0.1', `Port ${port}`, `User ${BENCH_RECIPIENT}`, `Pass ${PASSWORD}`, 'SSLType None', 'AuthMechs LOGIN', '',
    'IMAPStore remote', 'Account bench', '',
    'MaildirStore local', `Path ${maildir}/`, `Inbox ${maildir}/INBOX`, 'SubFolders Verbatim', '',
    'Channel bench', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Near', 'Sync Pull', 'SyncState *', '',
  ].join('\n');
}

/** A full mbsync into an empty Maildir: seconds taken. */
async function mbsync(port: number, dir: string, maildir: string): Promise<number> {
  await fs.mkdir(maildir, { recursive: true });
  const config = path.join(dir, `mbsyncrc-${port}`);
  await fs.writeFile(config, mbsyncConfig(port, maildir));
  const started = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile('mbsync', ['-c', config, '-q', '-a'], { maxBuffer: 64 * 1024 * 1024 }, (err, _o, errOut) =>
      err ? reject(new Error(`mbsync: ${err.message}\n${errOut}`)) : resolve(),
    ),
  );
  return (performance.now() - started) / 1000;
}

async function countFiles(maildir: string): Promise<number> {
  const [cur, fresh] = await Promise.all(['cur', 'new'].map((d) => fs.readdir(path.join(maildir, 'INBOX', d)).catch(() => [])));
  return cur!.length + fresh!.length;
}

/**
 * Who Dovecot's mail process runs as. Dovecot never serves mail as root
 * ("userdb returned 0 as uid", then BYE Internal error): a bench run as root
 * lends the Maildir (and a home) to nobody. Anyone else serves it as
 * themselves, and runs Dovecot's own processes as themselves too (switching
 * to its "dovecot" and "dovenull" users takes root).
 */
async function dovecotUser(dir: string, owned: string[]): Promise<{ uid: number; gid: number; settings: string[] }> {
  if (process.getuid!() !== 0) {
    const [user, group] = await Promise.all([idOf(['-un']), idOf(['-gn'])]);
    const settings = [`default_internal_user = ${user}`, `default_internal_group = ${group}`, `default_login_user = ${user}`];
    return { uid: process.getuid!(), gid: process.getgid!(), settings };
  }
  const [uid, gid] = (await Promise.all([idOf(['-u', 'nobody']), idOf(['-g', 'nobody'])])).map(Number) as [number, number];
  await new Promise<void>((resolve, reject) => execFile('chown', ['-R', `${uid}:${gid}`, ...owned], (err) => (err ? reject(err) : resolve())));
  // mkdtemp made `dir` root's alone: nobody (and Dovecot's login process) must pass through it.
  await fs.chmod(dir, 0o711);
  return { uid, gid, settings: [] };
}

async function idOf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('id', args, (err, out) => (err ? reject(err) : resolve(out.trim()))));
}

interface Dovecot {
  port: number;
  /** what Dovecot logged (warnings and errors): the reason when mbsync fails */
  log(): string;
  stop(): Promise<void>;
}

/** Dovecot as a foreground process on a private port, serving `maildir` to the bench user. */
async function startDovecot(dir: string, maildir: string): Promise<Dovecot> {
  const port = await findFreePort();
  const conf = path.join(dir, 'dovecot.conf');
  const home = path.join(dir, 'dovecot-home');
  await Promise.all(['dovecot-run', 'dovecot-state', 'dovecot-home'].map((d) => fs.mkdir(path.join(dir, d), { recursive: true })));
  const user = await dovecotUser(dir, [maildir, home]);
  await fs.writeFile(conf, [
    'protocols = imap', 'listen = 127.0.0.1', `base_dir = ${dir}/dovecot-run`, `state_dir = ${dir}/dovecot-state`,
    // Warnings and errors to stderr (kept, shown if mbsync fails), not the per-login lines.
    'log_path = /dev/stderr', 'info_log_path = /dev/null',
    'ssl = no', 'disable_plaintext_auth = no', 'auth_mechanisms = plain login',
    `mail_location = maildir:${maildir}:LAYOUT=fs:INBOX=${maildir}/INBOX`, `first_valid_uid = ${user.uid}`, `first_valid_gid = ${user.gid}`,
    ...user.settings,
    'passdb {', '  driver = static', `  args = password=${PASSWORD}`, '}',
    'userdb {', '  driver = static', `  args = uid=${user.uid} gid=${user.gid} home=${home}`, '}',
    'service imap-login {', '  inet_listener imap {', `    port = ${port}`, '  }', '  inet_listener imaps {', '    port = 0', '  }',
    // chroot needs root; the bench needs none of it.
    '  chroot =', '}',
    'service anvil {', '  chroot =', '}',
    '',
  ].join('\n'));
  const child = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    try {
      (await ImapLineClient.connect(port)).close();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`dovecot exited ${child.exitCode}:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, log: () => log, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

async function main(): Promise<void> {
  buildChitbox(repoRoot);
  const imapPort = await findFreePort();
  const chitbox = await startChitbox(repoRoot, { IMAP_PORT: String(imapPort) });
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'chitbox-imap-bench-'));
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  try {
    console.log(`load average at start: ${load()}`);
    const idle = await idleLatency(imapPort, chitbox.smtpPort);
    console.log(`SMTP 250 → IDLE EXISTS (${idle.length} messages): p50 ${ms(pct(idle, 50))}, p99 ${ms(pct(idle, 99))}, max ${ms(idle.at(-1)!)}`);

    const filling = performance.now();
    await fill(chitbox.smtpPort, IDLE, MESSAGES);
    console.log(`filled INBOX to ${MESSAGES} in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
    const opens = await openInbox(imapPort);
    const sorted = [...opens].sort((a, b) => a - b);
    console.log(`SELECT + UID FETCH 1:* (FLAGS) on ${MESSAGES}: ${opens.map(ms).join(', ')} (median ${ms(pct(sorted, 50))})`);

    const fromChitbox = path.join(dir, 'from-chitbox');
    const chitboxSeconds = await mbsync(imapPort, dir, fromChitbox);
    const pulled = await countFiles(fromChitbox);
    console.log(`mbsync from ChitBox: ${pulled} messages in ${chitboxSeconds.toFixed(2)} s = ${(pulled / chitboxSeconds).toFixed(0)} msg/s (load ${load()})`);

    if (!flags['skip-dovecot']) {
      const dovecot = await startDovecot(dir, fromChitbox);
      try {
        const fromDovecot = path.join(dir, 'from-dovecot');
        const dovecotSeconds = await mbsync(dovecot.port, dir, fromDovecot).catch((err: Error) => {
          throw new Error(`${err.message}\ndovecot's log:\n${dovecot.log()}`);
        });
        const copied = await countFiles(fromDovecot);
        console.log(`mbsync from Dovecot (same Maildir): ${copied} messages in ${dovecotSeconds.toFixed(2)} s = ${(copied / dovecotSeconds).toFixed(0)} msg/s (load ${load()})`);
      } finally {
        await dovecot.stop();
      }
    }
    console.log(`load average at end: ${load()}`);
  } finally {
    await chitbox.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
