// Content-addressed blob store for raw messages and attachment bytes, as the
// main thread sees it: reads happen here; writes and removals are done by the
// ingest worker thread (blob-files.ts says how a blob is made durable).
import fs from 'node:fs/promises';
import path from 'node:path';
import { blobPath, type BlobInput, type StoredBlob } from './blob-files.js';
import type { IngestWorker } from './ingest-worker.js';

export type { BlobInput, StoredBlob };

export class BlobStore {
  /** root: DATA_DIR/blobs */
  constructor(
    readonly root: string,
    private readonly worker: IngestWorker,
  ) {}

  /** Creates the shard directories once; clears temp files a crash left behind. */
  async init(): Promise<void> {
    const tmp = path.join(this.root, 'tmp');
    await fs.rm(tmp, { recursive: true, force: true });
    for (let i = 0; i < 256; i++) {
      const shard = i.toString(16).padStart(2, '0');
      await fs.mkdir(path.join(this.root, shard), { recursive: true });
      // Temp files are sharded too: the syncs of many new files in one
      // directory would all wait on that directory.
      await fs.mkdir(path.join(tmp, shard), { recursive: true });
    }
  }

  pathOf(sha256: string): string {
    return blobPath(this.root, sha256);
  }

  async read(sha256: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(sha256));
  }

  /**
   * Stores the blobs durably, all or none. Each stays pinned (safe from
   * removal) until the delivery naming it in `pinned` is committed, or until
   * `discard`. With `move` the caller gives the buffers up: they may be
   * emptied (moved to the writing thread instead of copied). A blob given
   * with its sha256 is not hashed again.
   */
  put(blobs: readonly BlobInput[], move = false): Promise<StoredBlob[]> {
    return this.worker.putBlobs(blobs, move);
  }

  /** For a delivery that will not be committed: unpins, and removes what it created unless needed. */
  async discard(pinned: string[], created: string[]): Promise<void> {
    await this.worker.discard(pinned, created);
  }

  /** Removes the blobs that no row references and no pending delivery needs. */
  async removeUnreferenced(hashes: string[]): Promise<void> {
    if (hashes.length > 0) await this.worker.removeBlobs(hashes);
  }
}
