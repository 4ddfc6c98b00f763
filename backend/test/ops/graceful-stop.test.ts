// SIGTERM during a large DATA transfer: the message is either acknowledged
// and stored, or not acknowledged; never acknowledged and lost. The server is
// a real child process (node --import tsx backend/src/main.ts) and exits 0.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, spawnChitbox } from '../support/child-server.js';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer } from '../support/test-server.js';

const dirs: string[] = [];

afterAll(async () => {
  await killChildren();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

/** Streams a ~10 MB message slowly and sends SIGTERM part-way; returns the DATA reply. */
async function sigtermDuringData(shutdownMs: number): Promise<{ acked: boolean; reply: string; exitCode: number | null; dataDir: string; marker: string }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-stop-'));
  dirs.push(dataDir);
  const { process: child, api, smtp, exited } = await spawnChitbox({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: String(shutdownMs) });
  const reg = await fetch(`http://127.0.0.1:${api}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.test', password: PASSWORD }),
  });
  expect(reg.status).toBe(201);

  const marker = `big-${shutdownMs}`;
  const client = await SmtpLineClient.connect(smtp);
  expect(await client.reply()).toMatch(/^220 /);
  for (const c of ['EHLO t', 'MAIL FROM:<x@remote.test>', 'RCPT TO:<alice@example.test>']) expect(await client.command(c)).toMatch(/^250/);
  expect(await client.command('DATA')).toMatch(/^354 /);
  client.write(`From: x@remote.test\r\nSubject: ${marker}\r\n\r\n`);
  const line = `${'z'.repeat(998)}\r\n`;
  const chunk = line.repeat(128); // 128 KB
  const chunks = 80; // ~10 MB
  for (let i = 0; i < chunks; i++) {
    if (client.closed) break;
    client.write(chunk);
    if (i === 16) child.kill('SIGTERM'); // ~2 MB in
    await new Promise((r) => setTimeout(r, 15));
  }
  if (!client.closed) client.write('.\r\n');
  const reply = await client.reply(30_000).catch(() => '<no reply>');
  client.destroy();
  const exitCode = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
  return { acked: /^250 /.test(reply), reply, exitCode, dataDir, marker };
}

async function storedCopies(dataDir: string, marker: string): Promise<Array<{ subject: string; sizeBytes: number }>> {
  const server = await startTestServer({}, dataDir);
  try {
    const { token } = (await server.api().post('/api/auth/login', { email: 'alice@example.test', password: PASSWORD })).body;
    const { folders } = (await server.api(token).get('/api/folders')).body;
    const inbox = folders.find((f: { kind: string }) => f.kind === 'inbox');
    const { messages } = (await server.api(token).get(`/api/folders/${inbox.id}/messages`)).body;
    const out = [];
    for (const m of messages.filter((x: { subject: string }) => x.subject === marker)) {
      out.push((await server.api(token).get(`/api/messages/${m.id}`)).body.message);
    }
    return out;
  } finally {
    await server.stop();
  }
}

describe('SIGTERM during a large DATA transfer', { timeout: 120_000 }, () => {
  it('with time to finish: the transfer completes, is acknowledged, stored whole, and the process exits 0', async () => {
    const r = await sigtermDuringData(20_000);
    expect(r.exitCode).toBe(0);
    expect(r.acked, r.reply).toBe(true);
    const copies = await storedCopies(r.dataDir, r.marker);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.sizeBytes).toBeGreaterThan(80 * 128 * 1000);
  });

  it('with a short timeout: not acknowledged and not half-stored, or acknowledged and stored whole', async () => {
    const r = await sigtermDuringData(200);
    expect(r.exitCode).toBe(0);
    const copies = await storedCopies(r.dataDir, r.marker);
    if (r.acked) {
      expect(copies).toHaveLength(1);
      expect(copies[0]!.sizeBytes).toBeGreaterThan(80 * 128 * 1000);
    } else {
      expect(copies).toHaveLength(0);
    }
  });
});
