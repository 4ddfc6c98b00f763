// Issue 4: the queue survives a crash. The process is SIGKILLed while the
// relay holds a message in DATA (row 'sending'); after a restart on the same
// data directory the message is delivered.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/test-server.js';
import { startRelaySink, waitFor, type RelaySink } from './relay-sink.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let sink: RelaySink;
let dataDir: string;
const children: ChildProcess[] = [];

interface Child {
  proc: ChildProcess;
  api: number;
  smtp: number;
}

function startChild(): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      SMTP_SERVER_PORT: '0',
      SMTP_SERVER_HOST: '127.0.0.1',
      SMTP_HOSTNAME: 'mx.chitbox.test',
      MAIL_DOMAINS: 'example.test',
      BCRYPT_COST: '4',
      SMTP_RELAY_HOST: '127.0.0.1',
      SMTP_RELAY_PORT: String(sink.port),
      QUEUE_RETRY_MIN_MS: '100',
      QUEUE_POLL_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /chitbox ready api=(\d+) smtp=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, api: Number(m[1]), smtp: Number(m[2]) });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${out}`));
    });
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

beforeAll(async () => {
  sink = await startRelaySink();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-crash-'));
});

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
  await sink?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('outbound queue crash recovery', () => {
  it('delivers after a restart a message that was being sent when the process was killed', async () => {
    sink.behavior = () => 'hang';
    const first = await startChild();
    const reg = await fetch(`http://127.0.0.1:${first.api}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.test', password: PASSWORD }),
    });
    expect(reg.status).toBe(201);
    const t = nodemailer.createTransport({
      host: '127.0.0.1', port: first.smtp, secure: false, ignoreTLS: true, auth: { user: 'alice@example.test', pass: PASSWORD },
    });
    await t.sendMail({ from: 'alice@example.test', to: 'far@ext.test', subject: 'survives a crash', text: 'still here' });
    t.close();
    // The relay has the whole message and never answers: the row is 'sending'.
    await waitFor(() => sink.dataStarts >= 1, 'the relay to receive DATA');
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    expect(sink.received).toEqual([]);
    const db = new Database(path.join(dataDir, 'chitbox.db'));
    expect(db.prepare('SELECT status, recipients FROM outbound_queue').all()).toEqual([
      { status: 'sending', recipients: '["far@ext.test"]' },
    ]);
    db.close();

    sink.behavior = () => 'accept';
    const second = await startChild();
    await waitFor(() => sink.received.length >= 1, 'delivery after the restart', 15_000);
    const [msg] = sink.received;
    expect(msg!.to).toEqual(['far@ext.test']);
    expect(msg!.raw.toString('latin1')).toContain('Subject: survives a crash');
    second.proc.kill('SIGTERM');
    await exited(second.proc);
  });
});
