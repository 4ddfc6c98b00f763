// Two ChitBox processes (the real entry point, SIGKILL-able) on one fresh
// PostgreSQL database and one Redis. Mail taken in by A reaches the user's
// socket on B; a queue of outbound mail submitted to both and drained by
// both reaches the relay exactly once per message; and A killed with
// SIGKILL in the middle of an SMTP load loses no message it acknowledged.
// Skips, saying why, only when PostgreSQL or Redis does not answer.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaySink, waitFor, type RelaySink } from '../sending/relay-sink.js';
import { killChildren, spawnChitbox, type ChildChitbox } from '../support/child-server.js';
import { storedIds } from '../support/mail-helpers.js';
import { createTestDatabase, postgresUnavailable, withClient, type TestDatabase } from '../support/pg-test-db.js';
import { dropKeys, REDIS_URL, redisUnavailable, testPrefix } from '../support/redis-fixture.js';
import { apiClient, collectEvents, PASSWORD } from '../support/test-server.js';
import { io, type Socket } from 'socket.io-client';

const why = (await postgresUnavailable()) ?? (await redisUnavailable());
if (why) console.warn(`skipping the two-instance test: ${why}`);

const OUTBOUND = 24;
// Liveness bounds only (every wait is for a state): two child processes and PostgreSQL on a busy machine are slow.
const BUSY_MACHINE_MS = 180_000;

describe.skipIf(why !== null)('two instances on one PostgreSQL and one Redis', () => {
  const keyPrefix = testPrefix();
  let db: TestDatabase;
  let sink: RelaySink;
  const dirs: string[] = [];
  let a: ChildChitbox;
  let b: ChildChitbox;
  let token: string;
  const sockets: Socket[] = [];

  const start = async (instance: string) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `chitbox-${instance}-`));
    dirs.push(dir);
    return spawnChitbox({
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      INSTANCE_ID: instance,
      SMTP_HOSTNAME: `${instance}.chitbox.test`,
      SMTP_RELAY_HOST: '127.0.0.1',
      SMTP_RELAY_PORT: String(sink.port),
      QUEUE_POLL_MS: '50',
      RATE_LIMIT_SMTP_CONNECTIONS_PER_MINUTE: '0',
      RATE_LIMIT_SMTP_MESSAGES_PER_HOUR: '0',
    }, 60_000);
  };
  const mailer = (port: number, auth = false) =>
    nodemailer.createTransport({
      host: '127.0.0.1', port, secure: false, ignoreTLS: true,
      ...(auth ? { auth: { user: 'alice@example.test', pass: PASSWORD } } : {}),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startRelaySink();
    // Both start together against the empty database: the migrations take turns.
    [a, b] = await Promise.all([start('mx-a'), start('mx-b')]);
    const reg = await apiClient(`http://127.0.0.1:${a.api}`).post('/api/auth/register', { email: 'alice@example.test', password: PASSWORD });
    expect(reg.status).toBe(201);
    token = reg.body.token;
  }, BUSY_MACHINE_MS);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await killChildren();
    await sink?.close();
    await db?.drop();
    await dropKeys(keyPrefix);
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });

  it('delivers new_email for mail taken in by A to a socket on B, with A\'s token', async () => {
    const socket = io(`http://127.0.0.1:${b.api}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const seen = collectEvents(socket, 'new_email');
    const t = mailer(a.smtp);
    const info = await t.sendMail({ from: 'carol@remote.test', to: 'alice@example.test', subject: 'into A, seen on B', text: 'hello' });
    t.close();
    const [id] = storedIds(info.response);
    await waitFor(() => seen.some((e) => e.email.id === id), 'new_email on B');
    // B reads the message A stored, bytes included.
    const raw = await apiClient(`http://127.0.0.1:${b.api}`, token).get(`/api/messages/${id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.bytes.toString('latin1')).toContain('Subject: into A, seen on B');
  }, BUSY_MACHINE_MS);

  it('relays a queue submitted to both instances exactly once per message, drained by both', async () => {
    const ta = mailer(a.smtp, true);
    const tb = mailer(b.smtp, true);
    const subjects = Array.from({ length: OUTBOUND }, (_, i) => `outbound ${i}`);
    await Promise.all(subjects.map((subject, i) =>
      (i % 2 ? ta : tb).sendMail({ from: 'alice@example.test', to: `far${i}@ext.test`, subject, text: 'out' }),
    ));
    ta.close();
    tb.close();
    await waitFor(() => sink.received.length >= OUTBOUND, 'every queued message at the relay', 60_000);
    // Every row is marked sent (so any second send would have happened by now).
    const sentRows = () => withClient(db.url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM outbound_queue WHERE status = 'sent'`)).rows[0].n));
    await waitFor(async () => (await sentRows()) === OUTBOUND, 'the queue rows marked sent', 30_000).catch(async (err) => {
      const rows = await withClient(db.url, async (c) => (await c.query('SELECT id, status, attempts, last_error, lease_owner FROM outbound_queue ORDER BY id')).rows);
      throw new Error(`${(err as Error).message}: relay got ${sink.received.length}; rows ${JSON.stringify(rows)}`);
    });
    const bySubject = new Map<string, number>();
    for (const m of sink.received) {
      const subject = /^Subject: (.*)$/m.exec(m.raw.toString('latin1'))?.[1]?.trim() ?? '';
      bySubject.set(subject, (bySubject.get(subject) ?? 0) + 1);
    }
    for (const subject of subjects) expect(bySubject.get(subject), subject).toBe(1);
    expect(sink.received.length).toBe(OUTBOUND);
    // Both instances took part in the draining.
    const helos = new Set(sink.received.map((m) => m.helo));
    expect(helos).toEqual(new Set(['mx-a.chitbox.test', 'mx-b.chitbox.test']));
  }, BUSY_MACHINE_MS);

  it('loses no acknowledged message when A is killed with SIGKILL under SMTP load', async () => {
    const acknowledged: number[] = [];
    let refused = 0;
    let stop = false;
    const sender = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const t = mailer(a.smtp);
        try {
          const info = await t.sendMail({ from: 'load@remote.test', to: 'alice@example.test', subject: `load ${n}-${i}`, text: 'x'.repeat(4096) });
          acknowledged.push(...storedIds(info.response));
        } catch {
          refused++; // cut off by the kill: never acknowledged, so the sender still has it
        } finally {
          t.close();
        }
      }
    };
    const senders = Array.from({ length: 6 }, (_, n) => sender(n));
    await waitFor(() => acknowledged.length >= 40, 'some acknowledged messages before the kill', 60_000);
    await a.stop('SIGKILL');
    stop = true;
    await Promise.all(senders);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    // Every message A answered 250 for is in the database, readable through B.
    const api = apiClient(`http://127.0.0.1:${b.api}`, token);
    for (const id of acknowledged) {
      const res = await api.get(`/api/messages/${id}`);
      expect(res.status, `message ${id}`).toBe(200);
    }
    console.info(`SIGKILL under load: ${acknowledged.length} acknowledged, all stored; ${refused} cut off unacknowledged`);
  }, BUSY_MACHINE_MS);
});
