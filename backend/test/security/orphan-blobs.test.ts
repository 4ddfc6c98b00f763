// Blob files a crash left between their write and their commit are collected
// at the next start once past the grace period; referenced ones never are.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { sendRaw } from '../ops/ops-helpers.js';
import { startTestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const fileOf = (dir: string, sha: string) => path.join(dir, 'blobs', sha.slice(0, 2), sha);

async function orphan(dir: string, content: string, ageMs: number): Promise<string> {
  const sha = createHash('sha256').update(content).digest('hex');
  await fs.writeFile(fileOf(dir, sha), content);
  const at = new Date(Date.now() - ageMs);
  await fs.utimes(fileOf(dir, sha), at, at);
  return sha;
}

// Blob files are the SQLite engine's; on PostgreSQL blobs are rows written in the delivery's transaction.
it.skipIf(process.env.CHITBOX_TEST_DATABASE === 'postgresql')('removes old unreferenced blob files at start, keeps young ones and every referenced one', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-orphans-'));
  try {
    let server = await startTestServer({}, dir);
    const { token } = await server.register('olga@example.test');
    // Bigger than BLOB_INLINE_MAX_BYTES: its raw bytes are a file.
    const { replies } = await sendRaw(server.smtpPort, 'olga@example.test', `Subject: big\n\n${'y'.repeat(100_000)}`);
    expect(replies.at(-1)).toMatch(/^250 /);
    const id = Number(/stored as (\d+)/.exec(replies.at(-1)!)![1]);
    await server.stop();

    const old = await orphan(dir, 'left by a crash', 2 * 60 * 60_000);
    const young = await orphan(dir, 'still on its way', 0);
    server = await startTestServer({}, dir);
    try {
      await expect(fs.access(fileOf(dir, old))).rejects.toThrow();
      await fs.access(fileOf(dir, young));
      expect(server.chitbox.store.orphanBlobsRemoved).toBe(1);
      const raw = await server.api(token).raw('GET', `/api/messages/${id}/raw`);
      expect(raw.status).toBe(200);
      expect(raw.bytes.length).toBeGreaterThan(100_000);
    } finally {
      await server.stop();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  // Two starts of a real server: slow on a busy machine, and nothing here waits for a duration.
}, 180_000);
