// Content-addressed blob store for raw messages and attachment bytes.
// A blob is named by its sha256 (blobs/<first two hex>/<sha256>) and written
// to a temp file with O_DSYNC (data on disk when the write returns), renamed
// into place, then its directory fsynced: once `put` resolves the bytes
// survive a crash, and identical content (the same attachment sent twice, one
// mail to many users) is stored once.
import { createHash, randomBytes } from 'node:crypto';
import fsCb, { existsSync, constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoredBlob {
  sha256: string;
  size: number;
  /** true when this call created the file (so a failed commit may remove it) */
  created: boolean;
}

export class BlobStore {
  private readonly root: string;
  private readonly tmpDir: string;
  /** sha256 -> number of in-flight writers that rely on the blob existing */
  private readonly pins = new Map<string, number>();
  private readonly knownDirs = new Set<string>();
  /** one open descriptor per shard directory, so syncing a rename is one call */
  private readonly dirFds = new Map<string, Promise<number>>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    // Leftovers of a crash mid-write are never referenced: clear them.
    await fs.rm(this.tmpDir, { recursive: true, force: true });
    for (let i = 0; i < 256; i++) {
      const shard = i.toString(16).padStart(2, '0');
      const dir = path.join(this.root, shard);
      await fs.mkdir(dir, { recursive: true });
      // Temp files are sharded too: creating files in one directory serialises
      // on its lock, and every message creates one.
      await fs.mkdir(path.join(this.tmpDir, shard), { recursive: true });
      this.knownDirs.add(dir);
    }
  }

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    // git-style: 256 directories, created once and then only renamed into, so
    // a store costs no directory creation (a journal commit of its own).
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Durably stores bytes and pins the blob until `unpin` so a concurrent
   * cleanup cannot remove it before the caller's database commit.
   */
  async put(bytes: Uint8Array, knownSha256?: string): Promise<StoredBlob> {
    const sha256 = knownSha256 ?? BlobStore.hash(bytes);
    this.pin(sha256);
    try {
      const target = this.pathOf(sha256);
      // A stat of a cached directory entry: cheaper than a thread-pool round trip.
      if (existsSync(target)) return { sha256, size: bytes.byteLength, created: false };
      const dir = path.dirname(target);
      await this.ensureDir(dir);
      const tmp = path.join(this.tmpDir, sha256.slice(0, 2), `${sha256}.${randomBytes(6).toString('hex')}`);
      await writeDurably(tmp, bytes).catch(async (err: NodeJS.ErrnoException) => {
        // A temp shard that went missing (an operator cleared tmp/) is made again.
        if (err.code !== 'ENOENT') throw err;
        await fs.mkdir(path.dirname(tmp), { recursive: true });
        await writeDurably(tmp, bytes);
      });
      try {
        await io.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      // The rename is durable only once its directory is synced.
      await io.fsync(await this.dirFd(dir));
      return { sha256, size: bytes.byteLength, created: true };
    } catch (err) {
      this.unpin(sha256);
      throw err;
    }
  }

  /** Closes the directory descriptors kept for fsync. */
  async close(): Promise<void> {
    const fds = [...this.dirFds.values()];
    this.dirFds.clear();
    await Promise.all(fds.map(async (fd) => io.close(await fd).catch(() => undefined)));
  }

  async read(sha256: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(sha256));
  }

  unpin(sha256: string): void {
    const n = (this.pins.get(sha256) ?? 0) - 1;
    if (n <= 0) this.pins.delete(sha256);
    else this.pins.set(sha256, n);
  }

  isPinned(sha256: string): boolean {
    return this.pins.has(sha256);
  }

  /** Removes a blob unless an in-flight write still relies on it. */
  async remove(sha256: string): Promise<void> {
    if (this.isPinned(sha256)) return;
    await fs.rm(this.pathOf(sha256), { force: true });
  }

  private pin(sha256: string): void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
  }

  private dirFd(dir: string): Promise<number> {
    let fd = this.dirFds.get(dir);
    if (!fd) {
      fd = io.open(dir, fsc.O_RDONLY, 0);
      fd.catch(() => this.dirFds.delete(dir));
      this.dirFds.set(dir, fd);
    }
    return fd;
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    this.knownDirs.add(dir);
  }
}

// The callback API on plain descriptors: on the ingest path every store is
// five thread-pool calls, and fs/promises' FileHandle bookkeeping cost more
// main-thread time than the calls themselves.
const io = {
  open: (p: string, flags: number, mode: number) =>
    new Promise<number>((resolve, reject) => fsCb.open(p, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd)))),
  write: (fd: number, bytes: Uint8Array, offset: number) =>
    new Promise<number>((resolve, reject) =>
      fsCb.write(fd, bytes, offset, bytes.byteLength - offset, null, (err, n) => (err ? reject(err) : resolve(n))),
    ),
  close: (fd: number) => new Promise<void>((resolve, reject) => fsCb.close(fd, (err) => (err ? reject(err) : resolve()))),
  rename: (from: string, to: string) =>
    new Promise<void>((resolve, reject) => fsCb.rename(from, to, (err) => (err ? reject(err) : resolve()))),
  fsync: (fd: number) => new Promise<void>((resolve, reject) => fsCb.fsync(fd, (err) => (err ? reject(err) : resolve()))),
};

/**
 * Writes a new file whose bytes are on disk when this resolves. O_DSYNC makes
 * each write return only once its data (and the size needed to read it back)
 * is stable, so there is no separate fdatasync call.
 */
async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const fd = await io.open(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_DSYNC, 0o640);
  try {
    for (let offset = 0; offset < bytes.byteLength; ) offset += await io.write(fd, bytes, offset);
  } finally {
    await io.close(fd);
  }
}
