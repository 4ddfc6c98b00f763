// BlobFiles on a real directory: content-addressed durable files, stored
// once, and removed only when neither a pending write nor a row needs them.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobFiles, blobPath } from '../../../src/storage/sqlite/ingest-worker/blob-files.js';

let root: string;
let files: BlobFiles;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-blobs-'));
  for (let i = 0; i < 256; i++) {
    const shard = i.toString(16).padStart(2, '0');
    fs.mkdirSync(path.join(root, shard));
    fs.mkdirSync(path.join(root, 'tmp', shard), { recursive: true });
  }
  files = new BlobFiles(root);
});

afterEach(() => {
  files.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('BlobFiles', () => {
  it('stores bytes under their sha256, once, and leaves no temp file', async () => {
    const bytes = randomBytes(5000);
    const first = await files.put(bytes);
    expect(first).toEqual({ sha256: sha(bytes), size: 5000, created: true });
    expect(fs.readFileSync(blobPath(root, first.sha256)).equals(bytes)).toBe(true);
    expect(await files.put(Buffer.from(bytes))).toEqual({ sha256: sha(bytes), size: 5000, created: false });
    expect(fs.readdirSync(path.join(root, 'tmp'), { recursive: true }).filter((p) => String(p).includes('.'))).toEqual([]);
  });

  it('names a blob by the sha256 the caller gives, and hashes the bytes when that is not a sha256', async () => {
    const bytes = randomBytes(3000);
    expect(await files.put(bytes, sha(bytes))).toEqual({ sha256: sha(bytes), size: 3000, created: true });
    expect(fs.readFileSync(blobPath(root, sha(bytes))).equals(bytes)).toBe(true);
    const other = randomBytes(10);
    expect((await files.put(other, 'NOT-A-HASH')).sha256).toBe(sha(other));
  });

  it('has written the bytes when put() returns: the caller may let go of them while the syncs run', async () => {
    const bytes = randomBytes(100_000);
    const original = Buffer.from(bytes);
    const pending = files.put(bytes);
    bytes.fill(0); // what the ingest worker's dropping of its buffers amounts to: nothing reads them again
    await pending;
    expect(fs.readFileSync(blobPath(root, sha(original))).equals(original)).toBe(true);
  });

  it('completes many concurrent writes into the same directories (shared directory syncs)', async () => {
    const many = Array.from({ length: 300 }, () => randomBytes(64));
    const stored = await Promise.all(many.map((b) => files.put(b)));
    expect(stored.every((s, i) => s.created && s.sha256 === sha(many[i]!))).toBe(true);
    for (const s of stored) expect(fs.existsSync(blobPath(root, s.sha256))).toBe(true);
  });

  it('removes a blob only once it is unpinned and unreferenced', async () => {
    const { sha256 } = await files.put(randomBytes(100));
    const file = blobPath(root, sha256);
    expect(files.removeUnneeded([sha256], () => false)).toEqual([]); // pinned by the write
    files.unpin(sha256);
    expect(files.removeUnneeded([sha256], () => true)).toEqual([]); // a row still names it
    expect(fs.existsSync(file)).toBe(true);
    expect(files.removeUnneeded([sha256, 'not-a-hash'], () => false)).toEqual([sha256]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('fails a write it cannot make and unpins it', async () => {
    fs.rmSync(path.join(root, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tmp'), 'not a directory');
    const bytes = randomBytes(100);
    await expect(files.put(bytes)).rejects.toThrow();
    expect(files.removeUnneeded([sha(bytes)], () => false)).toEqual([sha(bytes)]); // not pinned
  });
});
