// /health (and 503 while another process holds the database's write lock),
// and /metrics values that move with SMTP traffic.
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEnv, onPostgres } from '../support/pg-test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { metricValue, request, sendRaw } from './ops-helpers.js';

let server: TestServer;

beforeAll(async () => {
  // A short busy timeout so a locked database is noticed quickly.
  server = await startTestServer({ SQLITE_BUSY_TIMEOUT_MS: '300' });
  await server.register('alice@example.test');
});

afterAll(async () => {
  await server.stop();
});

describe('GET /health', () => {
  it('answers 200 with the operations fields', async () => {
    const res = await server.api().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'healthy',
      version: expect.any(String),
      uptime_seconds: expect.any(Number),
      connections: { active: expect.any(Number), total: expect.any(Number) },
      memory: { allocated_mb: expect.any(Number), heap_mb: expect.any(Number) },
      pipeline: { in_flight: 0, oldest_ms: 0 },
    });
  });

  it('turns 503 unhealthy while another process holds the write lock, and 200 again after', async () => {
    const release = await holdWriteLock(server.dataDir);
    try {
      const down = await server.api().get('/health');
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('unhealthy');
      expect(down.body.problems).toEqual(['database']);
    } finally {
      await release();
    }
    const up = await server.api().get('/health');
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('healthy');
  });
});

/**
 * Another process that keeps the server from writing: on SQLite a write
 * transaction on the file (the busy timeout runs out); on PostgreSQL a
 * session holding an exclusive lock on users (the probe waits past the
 * health check's deadline).
 */
async function holdWriteLock(dataDir: string): Promise<() => Promise<void>> {
  if (onPostgres) {
    const client = new pg.Client({ connectionString: (await databaseEnv(dataDir)).DATABASE_URL });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    return async () => {
      await client.query('ROLLBACK');
      await client.end();
    };
  }
  const other = new Database(path.join(dataDir, 'chitbox.db'));
  other.exec('BEGIN IMMEDIATE');
  return async () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

describe('GET /metrics', () => {
  const scrape = async () => {
    const res = await server.api().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.bytes.toString('utf8');
  };

  it('exposes every named metric', async () => {
    const text = await scrape();
    for (const name of [
      'smtp_messages_received_total', 'smtp_messages_sent_total', 'smtp_messages_queued', 'smtp_connections_active',
      'smtp_connections_total', 'smtp_auth_attempts_total', 'smtp_processing_duration_seconds_bucket',
      'smtp_message_size_bytes_bucket', 'chitbox_new_email_latency_seconds_bucket', 'chitbox_socketio_connected_clients',
      'http_request_duration_seconds_bucket', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes',
    ]) {
      expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
  });

  it('moves after SMTP traffic', async () => {
    const before = await scrape();
    const { token } = await server.api().post('/api/auth/login', { email: 'alice@example.test', password: 'correct horse battery' }).then((r) => r.body);
    const socket = await server.socket(token);
    for (let i = 0; i < 2; i++) {
      const { replies } = await sendRaw(server.smtpPort, 'alice@example.test', `Subject: m${i}\n\n${'x'.repeat(2000)}`);
      expect(replies.at(-1)).toMatch(/^250 /);
    }
    const { replies } = await sendRaw(server.smtpPort, 'nobody@example.test', 'Subject: x\n\ny');
    expect(replies.at(-1)).toMatch(/^550 5\.1\.1/);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta('smtp_messages_received_total', { status: 'accepted' })).toBe(2);
    expect(delta('smtp_connections_total')).toBe(3);
    expect(delta('smtp_processing_duration_seconds_count')).toBe(2);
    expect(delta('smtp_message_size_bytes_count')).toBe(2);
    expect(delta('smtp_message_size_bytes_sum')).toBeGreaterThan(4000);
    expect(delta('chitbox_new_email_latency_seconds_count')).toBe(2);
    expect(metricValue(after, 'chitbox_socketio_connected_clients')).toBe(1);
    expect(metricValue(after, 'http_request_duration_seconds_count', { route: '/api/auth/login', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(1);
    socket.disconnect();
  });

  it('counts SMTP AUTH results', async () => {
    const before = await scrape();
    const { SmtpLineClient } = await import('../support/smtp-line-client.js');
    const c = await SmtpLineClient.connect(server.smtpPort);
    await c.reply();
    await c.command('EHLO t');
    const plain = (u: string, p: string) => Buffer.from(`\0${u}\0${p}`).toString('base64');
    expect(await c.command(`AUTH PLAIN ${plain('alice@example.test', 'wrong password')}`)).toMatch(/^535 /);
    expect(await c.command(`AUTH PLAIN ${plain('alice@example.test', 'correct horse battery')}`)).toMatch(/^235 /);
    c.destroy();
    const after = await scrape();
    expect(metricValue(after, 'smtp_auth_attempts_total', { result: 'failure' }) - metricValue(before, 'smtp_auth_attempts_total', { result: 'failure' })).toBe(1);
    expect(metricValue(after, 'smtp_auth_attempts_total', { result: 'success' }) - metricValue(before, 'smtp_auth_attempts_total', { result: 'success' })).toBe(1);
  });

  it('is refused (403) to a non-loopback client unless METRICS_ALLOW names it', async () => {
    const res = await request(server.baseUrl, 'GET', '/metrics', { localAddress: '127.0.0.2' });
    expect(res.status).toBe(403);
    const open = await startTestServer({ METRICS_ALLOW: '127.0.0.2' });
    try {
      expect((await request(open.baseUrl, 'GET', '/metrics', { localAddress: '127.0.0.2' })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});
