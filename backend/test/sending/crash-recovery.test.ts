// Issue 4: the queue survives a crash. The process is SIGKILLed while the
// relay holds a message in DATA (row 'sending'); after a restart on the same
// data directory the message is delivered.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dbRows } from '../support/db-peek.js';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, spawnChitbox } from '../support/child-server.js';
import { PASSWORD } from '../support/test-server.js';
import { startRelaySink, waitFor, type RelaySink } from './relay-sink.js';

let sink: RelaySink;
let dataDir: string;

// A start takes seconds on a quiet machine and a good deal longer on a busy one.
const startChild = () =>
  spawnChitbox({
    DATA_DIR: dataDir,
    SMTP_RELAY_HOST: '127.0.0.1',
    SMTP_RELAY_PORT: String(sink.port),
    QUEUE_RETRY_MIN_MS: '100',
    QUEUE_POLL_MS: '50',
  }, 90_000);

beforeAll(async () => {
  sink = await startRelaySink();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-crash-'));
});

afterAll(async () => {
  await killChildren();
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
    await first.stop('SIGKILL');
    expect(sink.received).toEqual([]);
    expect(await dbRows(dataDir, 'SELECT status, recipients FROM outbound_queue')).toEqual([
      { status: 'sending', recipients: '["far@ext.test"]' },
    ]);

    sink.behavior = () => 'accept';
    const second = await startChild();
    await waitFor(() => sink.received.length >= 1, 'delivery after the restart');
    const [msg] = sink.received;
    expect(msg!.to).toEqual(['far@ext.test']);
    expect(msg!.raw.toString('latin1')).toContain('Subject: survives a crash');
    await second.stop();
  }, 240_000);
});
