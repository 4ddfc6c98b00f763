// Content-addressed blob store for raw messages and attachment bytes, as the
// main thread sees it. Every blob is named by its sha256 and stored once, in
// one of two places chosen by its size alone (so the same bytes always land
// in the same place):
//
// - up to BLOB_INLINE_MAX_BYTES (64 KiB by default): a row of small_blobs,
//   inserted in the same transaction as the message rows that name it. Its
//   durability is that commit's (WAL, synchronous=FULL).
// - bigger: a file under blobs/, written to a temp file, fsynced, renamed and
//   its directory synced before the commit (blob-files.ts, on the ingest
//   worker thread).
//
// Why two places: a new file made durable costs a data write, an inode write
// and directory writes, each a round trip to the disk: for a small message
// that was the largest part of its wait for the 250 (docs/performance.md).
// A row rides on the commit the message needs anyway. Reading is no slower:
// with 4 KB pages SQLite reads blobs of up to about 50 KB faster than
// separate files (https://www.sqlite.org/intern-v-extern-blob.html).
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { blobPath, type BlobInput, type StoredBlob } from './ingest-worker/blob-files.js';
import type { IngestWorker } from './ingest-worker/ingest-worker.js';
import type { SmallBlobRow } from './ingest-worker/ingest-worker-protocol.js';

export type { BlobInput, StoredBlob, SmallBlobRow };

/**
 * What put gives back for each blob. A file is durable already and pinned; a
 * small blob is not stored yet: `small` goes into its delivery's commit.
 */
export interface PutBlob extends StoredBlob {
  small?: SmallBlobRow;
}

export class TieredBlobs {
  /** root: DATA_DIR/blobs; readSmall: a small blob's bytes from the database, if it is one */
  constructor(
    readonly root: string,
    private readonly worker: IngestWorker,
    private readonly readSmall: (sha256: string) => Buffer | undefined,
    readonly inlineMaxBytes: number,
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

  /** Where the blob's file is, if it is big enough to be a file. */
  pathOf(sha256: string): string {
    return blobPath(this.root, sha256);
  }

  async read(sha256: string): Promise<Buffer> {
    return this.readSmall(sha256) ?? fs.readFile(this.pathOf(sha256));
  }

  /** A small blob as it is; a file read a piece at a time, opened first so a missing one rejects here. */
  async open(sha256: string): Promise<Readable> {
    const small = this.readSmall(sha256);
    if (small) return Readable.from([small]);
    const file = await fs.open(this.pathOf(sha256), 'r');
    return file.createReadStream();
  }

  /**
   * Stores the big blobs durably as files, all or none; each stays pinned
   * (safe from removal) until the delivery naming it in `pinned` is committed,
   * or until `discard`. Small blobs come back with the row their delivery's
   * commit inserts. With `move` the caller gives the buffers up: they may be
   * emptied (moved to the writing thread instead of copied). A blob given
   * with its sha256 is not hashed again.
   */
  async put(blobs: readonly BlobInput[], move = false): Promise<PutBlob[]> {
    const isSmall = blobs.map((b) => bytesOf(b).byteLength <= this.inlineMaxBytes);
    const big = blobs.filter((_, i) => !isSmall[i]);
    const files = big.length > 0 ? await this.worker.putBlobs(big, move) : [];
    let nextFile = 0;
    return blobs.map((b, i) => (isSmall[i] ? smallBlob(b) : files[nextFile++]!));
  }

  /** For a delivery that will not be committed: unpins, and removes what it created unless needed. */
  async discard(pinned: string[], created: string[]): Promise<void> {
    await this.worker.discard(pinned, created);
  }

  /** Removes the blobs (files or rows) that no row references and no pending delivery needs. */
  async release(hashes: string[]): Promise<void> {
    if (hashes.length > 0) await this.worker.removeBlobs(hashes);
  }
}

function bytesOf(input: BlobInput): Uint8Array {
  return input instanceof Uint8Array ? input : input.bytes;
}

function smallBlob(input: BlobInput): PutBlob {
  const content = bytesOf(input);
  const sha256 = input instanceof Uint8Array ? createHash('sha256').update(content).digest('hex') : input.sha256;
  return { sha256, size: content.byteLength, created: false, small: { sha256, content } };
}
