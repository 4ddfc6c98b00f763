// Content-addressed blob store for raw messages and attachment bytes.
// A blob is named by its sha256 and written temp -> fsync -> rename -> fsync(dir)
// so that once `put` resolves the bytes survive a crash, and identical content
// (the same attachment sent twice, one mail to many users) is stored once.
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
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

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    // Leftovers of a crash mid-write are never referenced: clear them.
    for (const name of await fs.readdir(this.tmpDir)) await fs.rm(path.join(this.tmpDir, name), { force: true });
  }

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
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
      if (await exists(target)) return { sha256, size: bytes.byteLength, created: false };
      const dir = path.dirname(target);
      await this.ensureDir(dir);
      const tmp = path.join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
      const fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      try {
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      await fsyncDir(dir);
      return { sha256, size: bytes.byteLength, created: true };
    } catch (err) {
      this.unpin(sha256);
      throw err;
    }
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

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    this.knownDirs.add(dir);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, fsc.O_RDONLY);
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
