// npm run test:corpus: sends every message of the third-party corpus
// (../shared/fixtures/eml, or the one beside the repository this was cloned
// from; see its README) through a real ChitBox over SMTP
// and checks that /raw gives back the wire form byte for byte. It runs the
// compiled server (npm run build:api), the one npm start runs.
//
// The corpus is read in place and never copied into this repository. When it
// is missing the script says so on one line and exits 0 (or 1 with
// CORPUS_REQUIRED=1): a missing corpus must never look like a pass.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { FOLDED_START_FIELD } from '../backend/src/mail/received-header.js';
import { SmtpLineClient } from '../backend/test/support/smtp-line-client.js';
import { compareBase64Decoders } from './corpus-base64.js';
import { SERVER_ENTRY, startNodeFlags } from './start-command.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const defaultDir = path.resolve(repoRoot, '../shared/fixtures/eml');
const corpusDir = process.env.CHITBOX_CORPUS_DIR ? path.resolve(process.env.CHITBOX_CORPUS_DIR) : findCorpus();

/**
 * ../shared beside this checkout, or else beside the working copy it was
 * cloned from (a throwaway clone such as /tmp/cc has no ../shared of its own).
 */
function findCorpus(): string {
  if (existsSync(defaultDir)) return defaultDir;
  try {
    const origin = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const besideOrigin = path.resolve(origin, '../shared/fixtures/eml');
    if (path.isAbsolute(origin) && existsSync(besideOrigin)) return besideOrigin;
  } catch {
    // not a git checkout, or no origin: the default it is
  }
  return defaultDir;
}
const required = process.env.CORPUS_REQUIRED === '1';

interface Entry {
  path: string;
  bytes: number;
  note: string;
  wire: {
    bytes_crlf: number;
    sha256_crlf: string;
    has_8bit: boolean;
    has_8bit_in_header: boolean;
    has_line_starting_with_dot: boolean;
  };
}

interface Failure {
  path: string;
  note: string;
  why: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------- the server

interface Server {
  child: ChildProcess;
  api: number;
  smtp: number;
  stderr: () => string;
}

function startServer(dataDir: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    BCRYPT_COST: '4',
    PORT: '0',
    HTTP_HOST: '127.0.0.1',
    SMTP_SERVER_PORT: '0',
    SMTP_SERVER_HOST: '127.0.0.1',
    IMAP_PORT: '0',
    IMAP_HOST: '127.0.0.1',
    SMTP_HOSTNAME: 'mx.corpus.test',
    MAIL_DOMAINS: 'corpus.test',
    DATA_DIR: dataDir,
    SHUTDOWN_TIMEOUT_MS: '5000',
  };
  // The compiled build as npm start runs it (the script builds it first), so
  // the production path is what the corpus checks; node itself, not npm, so
  // SIGTERM reaches the server.
  const child = spawn(process.execPath, [...startNodeFlags(repoRoot), SERVER_ENTRY], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready within 30 s\n${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /chitbox ready api=(\d+) smtp=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, api: Number(m[1]), smtp: Number(m[2]), stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready\n${out}\n${err}`));
    });
  });
}

function stopServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    const kill = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    s.child.kill('SIGTERM');
  });
}

// ------------------------------------------------------------ the SMTP client

const REPLY_TIMEOUT_MS = 120_000;

/** One session to the server under test, greeted and past EHLO. */
async function openSession(port: number): Promise<SmtpLineClient> {
  const session = await SmtpLineClient.connect(port);
  const greeting = await session.reply(REPLY_TIMEOUT_MS);
  if (!greeting.startsWith('220')) throw new Error(`greeting: ${greeting}`);
  const ehlo = await session.command('EHLO corpus-check.test', REPLY_TIMEOUT_MS);
  if (!ehlo.startsWith('250')) throw new Error(`EHLO: ${ehlo}`);
  return session;
}

/** A whole reply, or "<timeout>" when none came in time. */
function ask(session: SmtpLineClient, line: string | null): Promise<string> {
  const reply = line === null ? session.reply(REPLY_TIMEOUT_MS) : session.command(line, REPLY_TIMEOUT_MS);
  return reply.catch(() => '<timeout>');
}

// ----------------------------------------------------------------- wire form

/** The manifest's wire form: every line ending CRLF, plus a final CRLF when missing. */
function wireForm(file: Buffer): Buffer {
  const text = file.toString('latin1');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
}

/** RFC 5321 4.5.2: a line that starts with "." gets one more. */
function dotStuff(wire: Buffer): Buffer {
  return Buffer.from(wire.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}

/** /raw without the first Received: field and its folded continuation lines. */
function stripFirstReceived(raw: Buffer): Buffer | null {
  if (!/^Received:/i.test(raw.subarray(0, 9).toString('latin1'))) return null;
  let end = raw.indexOf('\r\n') + 2;
  while (raw[end] === 0x20 || raw[end] === 0x09) end = raw.indexOf('\r\n', end) + 2;
  return raw.subarray(end);
}

/**
 * A message whose first line starts with white space would read as our
 * Received: field's continuation, so ChitBox ends its trace block with this
 * field name and the message's first line becomes its value
 * (mail/received-header.ts). The message's own bytes follow unchanged.
 */
function stripFoldedStart(back: Buffer, wire: Buffer): Buffer | null {
  const startsFolded = wire[0] === 0x20 || wire[0] === 0x09;
  return startsFolded && back.subarray(0, FOLDED_START_FIELD.length).toString('latin1') === FOLDED_START_FIELD
    ? back.subarray(FOLDED_START_FIELD.length)
    : null;
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

// ---------------------------------------------------------------------- main

async function main(): Promise<number> {
  let manifest: { files: Entry[] };
  try {
    manifest = JSON.parse(await fs.readFile(path.join(corpusDir, 'manifest.json'), 'utf8'));
  } catch {
    const shown = process.env.CHITBOX_CORPUS_DIR ? corpusDir : path.relative(repoRoot, defaultDir);
    console.log(`corpus-check: SKIPPED - ${shown} not found (set CHITBOX_CORPUS_DIR); no corpus messages were tested`);
    return required ? 1 : 0;
  }

  const files = manifest.files;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-corpus-'));
  const started = Date.now();
  let server: Server | null = null;
  let session: SmtpLineClient | null = null;
  const failures: Failure[] = [];
  const perSource = new Map<string, { pass: number; total: number }>();
  const slow: string[] = [];
  const folded: string[] = [];

  try {
    server = await startServer(dataDir);
    const base = `http://127.0.0.1:${server.api}`;
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'corpus@corpus.test', password: 'corpus-check-password' }),
    });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
    const token = ((await reg.json()) as { token: string }).token;
    session = await openSession(server.smtp);

    for (const [index, entry] of files.entries()) {
      const source = entry.path.split('/')[0]!;
      const counts = perSource.get(source) ?? { pass: 0, total: 0 };
      perSource.set(source, counts);
      counts.total++;
      const fail = (why: string) => failures.push({ path: entry.path, note: entry.note, why });

      const file = await fs.readFile(path.join(corpusDir, entry.path));
      const wire = wireForm(file);
      if (sha256(wire) !== entry.wire.sha256_crlf) {
        fail(`checker: the computed wire form does not match the manifest (${wire.length} vs ${entry.wire.bytes_crlf} bytes)`);
        continue;
      }
      const decoding = await compareBase64Decoders(wire);
      if (decoding) {
        fail(`parsed with LineBase64Decoder and with libbase64's Decoder: ${decoding}`);
        continue;
      }

      if (!session || session.closed) session = await openSession(server.smtp);
      if (index > 0) {
        const rset = await ask(session, 'RSET');
        if (!rset.startsWith('250')) {
          fail(`RSET: ${rset}`);
          session.destroy();
          session = null;
          continue;
        }
      }
      const params = [entry.wire.has_8bit ? 'BODY=8BITMIME' : '', entry.wire.has_8bit_in_header ? 'SMTPUTF8' : ''].filter(Boolean);
      const mail = await ask(session, `MAIL FROM:<corpus-sender@remote.test>${params.length ? ` ${params.join(' ')}` : ''}`);
      if (!mail.startsWith('250')) {
        fail(`MAIL FROM: ${mail}`);
        continue;
      }
      const rcpt = await ask(session, 'RCPT TO:<corpus@corpus.test>');
      if (!rcpt.startsWith('250')) {
        fail(`RCPT TO: ${rcpt}`);
        continue;
      }
      const data = await ask(session, 'DATA');
      if (!data.startsWith('354')) {
        fail(`DATA: ${data}`);
        continue;
      }
      const t0 = Date.now();
      session.write(Buffer.concat([dotStuff(wire), Buffer.from('.\r\n')]));
      const reply = await ask(session, null);
      if (entry.bytes > 500_000) slow.push(`${entry.path} (${entry.bytes} bytes): 250 after ${Date.now() - t0} ms`);
      const stored = /^250 .*stored as (\d+)/.exec(reply);
      if (!stored) {
        fail(`after DATA: ${reply.replace(/\n/g, ' | ')}`);
        if (reply.includes('<closed>') || reply.includes('<timeout>')) {
          session.destroy();
          session = null;
        }
        continue;
      }

      const res = await fetch(`${base}/api/messages/${stored[1]}/raw`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) {
        fail(`GET /raw: ${res.status}`);
        continue;
      }
      const raw = Buffer.from(await res.arrayBuffer());
      const back = stripFirstReceived(raw);
      if (!back) {
        fail('/raw does not start with a Received: field');
        continue;
      }
      const unfolded = stripFoldedStart(back, wire);
      if (unfolded && sha256(unfolded) === entry.wire.sha256_crlf) {
        folded.push(entry.path);
        counts.pass++;
        continue;
      }
      if (sha256(back) !== entry.wire.sha256_crlf) {
        const at = firstDifference(back, wire);
        const show = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 20), at + 20).toString('latin1'));
        fail(`/raw differs: ${back.length} bytes vs ${wire.length} expected; first difference at byte ${at}: got ${show(back)}, sent ${show(wire)}`);
        continue;
      }
      counts.pass++;
    }

    session?.destroy();
    session = null;
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    let health = 0;
    try {
      health = (await fetch(`${base}/health`)).status;
    } catch {
      health = 0;
    }

    const passed = [...perSource.values()].reduce((n, c) => n + c.pass, 0);
    console.log(`corpus-check: ${corpusDir}`);
    for (const [source, c] of [...perSource.entries()].sort()) {
      console.log(`  ${source.padEnd(24)} ${String(c.pass).padStart(3)}/${c.total}${c.pass === c.total ? '' : '  FAIL'}`);
    }
    for (const line of slow) console.log(`  large: ${line}`);
    for (const p of folded) console.log(`  note: ${p} starts with a white-space line; checked as the Received: field, ${FOLDED_START_FIELD} and the exact wire bytes`);
    for (const f of failures) console.log(`  FAIL ${f.path} (${f.note}): ${f.why}`);
    console.log(`  server process alive: ${alive ? 'yes' : 'NO'}; GET /health: ${health || 'no answer'}`);
    const ok = failures.length === 0 && passed === files.length && alive && health === 200;
    console.log(
      `corpus-check: ${ok ? 'PASS' : 'FAIL'} - ${passed}/${files.length} messages came back byte for byte (and parsed the same with both base64 decoders) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (!alive) console.log(server.stderr());
    return ok ? 0 : 1;
  } finally {
    session?.destroy();
    if (server) await stopServer(server);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('corpus-check: ERROR -', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
