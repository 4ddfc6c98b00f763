// The real entry point, twice on one data directory: the first start applies
// the migrations, the second applies none, and users, tokens and mail survive
// a SIGTERM in between.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, storedBytes, storedIds } from '../support/mail-helpers.js';
import { PASSWORD, type ApiClient } from '../support/test-server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Started {
  child: ChildProcess;
  api: number;
  smtp: number;
  migrations: number;
}

let dataDir: string;
const children = new Set<ChildProcess>();

function start(): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BCRYPT_COST: '4',
    PORT: '0',
    HTTP_HOST: '127.0.0.1',
    SMTP_SERVER_PORT: '0',
    SMTP_SERVER_HOST: '127.0.0.1',
    SMTP_HOSTNAME: 'mx.chitbox.test',
    MAIL_DOMAINS: 'example.test',
    DATA_DIR: dataDir,
    SHUTDOWN_TIMEOUT_MS: '3000',
  };
  // node itself, not npm: npm does not forward SIGTERM to its child.
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within 20 s\nstdout: ${out}\nstderr: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /chitbox ready api=(\d+) smtp=(\d+) migrations=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, api: Number(m[1]), smtp: Number(m[2]), migrations: Number(m[3]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

function stop(s: Started): Promise<number | null> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve(s.child.exitCode);
    s.child.once('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

function apiOf(port: number, token?: string): ApiClient {
  const raw = async (method: string, p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`http://127.0.0.1:${port}${p}`, { ...init, method, headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    const body = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString()) : undefined;
    return { status: res.status, headers: res.headers, body, bytes };
  };
  const json = (method: string) => (p: string, body?: unknown) =>
    raw(method, p, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { get: (p) => raw('GET', p), post: json('POST'), patch: json('PATCH'), del: (p) => raw('DELETE', p), raw };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-restart-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('restart', () => {
  let token: string;
  let messageId: number;
  let raw: Buffer;

  it('first start applies the migrations; mail is delivered and stored', async () => {
    const first = await start();
    try {
      // Every committed migration (one today), and only on this first start.
      const committed = (await fs.readdir(path.join(ROOT, 'prisma/migrations'), { withFileTypes: true })).filter((d) => d.isDirectory());
      expect(committed.length).toBeGreaterThanOrEqual(1);
      expect(first.migrations).toBe(committed.length);
      const reg = await apiOf(first.api).post('/api/auth/register', { email: 'bob@example.test', password: PASSWORD });
      expect(reg.status).toBe(201);
      token = reg.body.token;
      raw = await compose({ from: 'Alice <alice@remote.test>', to: 'bob@example.test', subject: 'Before the restart', text: 'kept' });
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: first.smtp, secure: false, ignoreTLS: true });
      try {
        const info = await transport.sendMail({ envelope: { from: 'alice@remote.test', to: ['bob@example.test'] }, raw });
        messageId = storedIds(info.response ?? '')[0]!;
      } finally {
        transport.close();
      }
      expect((await apiOf(first.api, token).get(`/api/messages/${messageId}`)).status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }
  });

  it('second start applies no migration; the token, the account and the message are all there', async () => {
    const second = await start();
    try {
      expect(second.migrations).toBe(0);
      const api = apiOf(second.api, token);
      const me = await api.get('/api/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.user.email).toBe('bob@example.test');
      const m = await api.get(`/api/messages/${messageId}`);
      expect(m.status).toBe(200);
      expect(m.body.message).toMatchObject({ subject: 'Before the restart', fromName: 'Alice', isRead: false });
      expect((await storedBytes(api, messageId)).equals(raw)).toBe(true);
      const login = await apiOf(second.api).post('/api/auth/login', { email: 'bob@example.test', password: PASSWORD });
      expect(login.status).toBe(200);
      const inbox = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
      expect(inbox).toMatchObject({ totalCount: 1, unreadCount: 1 });
    } finally {
      expect(await stop(second)).toBe(0);
    }
    const db = new Database(path.join(dataDir, 'chitbox.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT migration_name FROM _prisma_migrations').all() as Array<{ migration_name: string }>;
      expect(new Set(rows.map((r) => r.migration_name)).size).toBe(rows.length); // none applied twice
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });
});
