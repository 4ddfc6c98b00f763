// The real entry point, twice on one data directory: the first start applies
// the migrations, the second applies none, and users, tokens and mail survive
// a SIGTERM in between.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, REPO_ROOT as ROOT, spawnChitbox } from '../support/child-server.js';
import { compose, storedBytes, storedIds } from '../support/mail-helpers.js';
import { apiClient, PASSWORD } from '../support/test-server.js';
import { dbRows } from '../support/db-peek.js';
import { onPostgres } from '../support/pg-test-db.js';

let dataDir: string;

const start = () =>
  spawnChitbox({ NODE_ENV: 'production', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '3000', DATA_DIR: dataDir });
const apiOf = (port: number, token?: string) => apiClient(`http://127.0.0.1:${port}`, token);

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-restart-'));
});

afterAll(async () => {
  await killChildren();
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
      const migrationsDir = process.env.CHITBOX_TEST_DATABASE === 'postgresql' ? 'prisma/postgresql/migrations' : 'prisma/migrations';
      const committed = (await fs.readdir(path.join(ROOT, migrationsDir), { withFileTypes: true })).filter((d) => d.isDirectory());
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
      expect(await first.stop()).toBe(0);
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
      expect(await second.stop()).toBe(0);
    }
    const rows = await dbRows<{ migration_name: string }>(dataDir, 'SELECT migration_name FROM _prisma_migrations');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.migration_name)).size).toBe(rows.length); // none applied twice
    if (!onPostgres) {
      const db = new Database(path.join(dataDir, 'chitbox.db'), { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    }
  });
});
