// The blob store's files, written from the ingest worker thread (see
// ingest-worker-thread.ts). A blob is named by its sha256
// (blobs/<first two hex>/<sha256>): written to a temp file, fdatasynced,
// renamed into place, its directory fsynced. Once `put` resolves the bytes
// survive a crash, and identical content (the same attachment sent twice, one
// mail to many users) is stored once.
//
// Only the slow calls (the syncs) go to libuv's thread pool; creating and
// writing the temp file and the rename are quick page-cache operations done
// right here. Every thread-pool call is a wake-up on another thread, and the
// old five-calls-per-blob shape cost more CPU than the writes themselves.
import { createHash, randomBytes } from 'node:crypto';
import fs, { constants as fsc } from 'node:fs';
import path from 'node:path';

/** Bytes whose sha256 the caller already knows (the parser hashes attachments as it decodes them). */
export interface HashedBytes {
  bytes: Uint8Array;
  sha256: string;
}

/** What the blob store takes: bytes, or bytes with their sha256. */
export type BlobInput = Uint8Array | HashedBytes;

export interface StoredBlob {
  sha256: string;
  size: number;
  /** true when this call created the file (so a failed commit may remove it) */
  created: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function blobPath(root: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  // git-style: 256 directories, created once at start-up and then only renamed
  // into, so a store costs no directory creation.
  return path.join(root, sha256.slice(0, 2), sha256);
}

export class BlobFiles {
  private readonly tmpRoot: string;
  /** sha256 -> how many pending writes rely on the blob existing until their commit */
  private readonly pins = new Map<string, number>();
  private readonly dirSync = new DirSync();

  constructor(private readonly root: string) {
    this.tmpRoot = path.join(root, 'tmp');
  }

  /**
   * Durably stores bytes and pins the blob until `unpin` (after the caller's
   * commit). `knownSha256` must be the sha256 of `bytes`: it names the file.
   * The bytes are written before this returns; only the syncs are awaited,
   * and they do not hold on to the bytes (see ingest-worker-thread.ts).
   */
  put(bytes: Uint8Array, knownSha256?: string | null): Promise<StoredBlob> {
    const sha256 = knownSha256 && SHA256_HEX.test(knownSha256) ? knownSha256 : createHash('sha256').update(bytes).digest('hex');
    const size = bytes.byteLength;
    this.pin(sha256);
    try {
      const target = blobPath(this.root, sha256);
      if (fs.existsSync(target)) return Promise.resolve({ sha256, size, created: false });
      const tmp = path.join(this.tmpRoot, sha256.slice(0, 2), `${sha256}.${randomBytes(6).toString('hex')}`);
      const fd = writeNew(tmp, bytes);
      return this.settle({ sha256, size, created: true }, fd, tmp, target);
    } catch (err) {
      this.unpin(sha256);
      return Promise.reject(err);
    }
  }

  /** Syncs the written temp file, renames it into place and syncs its directory. */
  private async settle(blob: StoredBlob, fd: number, tmp: string, target: string): Promise<StoredBlob> {
    try {
      await syncAndClose(fd, tmp);
      try {
        fs.renameSync(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
      // The rename is durable only once its directory is synced.
      await this.dirSync.sync(path.dirname(target));
      return blob;
    } catch (err) {
      this.unpin(blob.sha256);
      throw err;
    }
  }

  unpin(sha256: string): void {
    const n = (this.pins.get(sha256) ?? 0) - 1;
    if (n <= 0) this.pins.delete(sha256);
    else this.pins.set(sha256, n);
  }

  /**
   * Removes the blobs nothing needs: not pinned by a pending write and not
   * referenced (the caller's check, on this thread, so no commit can slip in
   * between). Returns the hashes removed.
   */
  removeUnneeded(hashes: Iterable<string>, referenced: (sha256: string) => boolean): string[] {
    const removed: string[] = [];
    for (const sha of new Set(hashes)) {
      if (!SHA256_HEX.test(sha) || this.pins.has(sha) || referenced(sha)) continue;
      fs.rmSync(blobPath(this.root, sha), { force: true });
      removed.push(sha);
    }
    return removed;
  }

  close(): void {
    this.dirSync.close();
  }

  private pin(sha256: string): void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
  }
}

/** A new file holding `bytes` (in the page cache, not yet synced); returns its open descriptor. */
function writeNew(file: string, bytes: Uint8Array): number {
  const fd = openNew(file);
  try {
    for (let offset = 0; offset < bytes.byteLength; ) offset += fs.writeSync(fd, bytes, offset);
    return fd;
  } catch (err) {
    abandon(fd, file);
    throw err;
  }
}

/** Resolves once the file's bytes are on disk; the file is removed if they could not be. */
async function syncAndClose(fd: number, file: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    abandon(fd, file);
    throw err;
  }
  fs.closeSync(fd);
}

/** A temp file that will not become a blob: closed and removed. */
function abandon(fd: number, file: string): void {
  fs.closeSync(fd);
  fs.rmSync(file, { force: true });
}

function openNew(file: string): number {
  const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL;
  try {
    return fs.openSync(file, flags, 0o640);
  } catch (err) {
    // A temp shard that went missing (an operator cleared tmp/) is made again.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, flags, 0o640);
  }
}

/**
 * fsync of directories, coalesced: a caller whose rename happened while a
 * sync of that directory was already running waits for the next one, and
 * everyone who arrives before that next one starts shares it.
 */
class DirSync {
  private readonly fds = new Map<string, number>();
  private readonly state = new Map<string, { running: Promise<void>; next: Promise<void> | null }>();

  sync(dir: string): Promise<void> {
    const s = this.state.get(dir);
    if (!s) return this.start(dir);
    if (!s.next) s.next = s.running.catch(() => undefined).then(() => this.start(dir));
    return s.next;
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private start(dir: string): Promise<void> {
    let fd = this.fds.get(dir);
    if (fd === undefined) {
      fd = fs.openSync(dir, fsc.O_RDONLY);
      this.fds.set(dir, fd);
    }
    const running = new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
    this.state.set(dir, { running, next: null });
    const settle = () => {
      const s = this.state.get(dir);
      if (s?.running === running && !s.next) this.state.delete(dir);
    };
    running.then(settle, settle);
    return running;
  }
}
