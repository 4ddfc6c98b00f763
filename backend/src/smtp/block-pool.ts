// Bytes that arrive in pieces, gathered in reused fixed-size blocks.
//
// smtp-server hands DATA over in freshly allocated chunks. Kept until the end
// of a big message, they outlive two young-generation collections and are
// freed only by a full one, which lets the heap grow under many big
// messages at once. Copied into blocks that go back to a pool, the chunks die young, and a
// message's only new buffer is its final, exact-size copy.
export class BlockPool {
  private readonly free: Buffer[] = [];

  /** Keeps at most `maxFreeBytes` of idle blocks; the rest are left to the GC. */
  constructor(
    readonly blockBytes: number,
    private readonly maxFreeBytes: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.blockBytes);
  }

  give(blocks: Buffer[]): void {
    for (const block of blocks) {
      if ((this.free.length + 1) * this.blockBytes > this.maxFreeBytes) return;
      this.free.push(block);
    }
  }

  idleBytes(): number {
    return this.free.length * this.blockBytes;
  }
}

/** One transfer's bytes, in blocks of a pool until `take` or `release`. */
export class PooledBytes {
  private readonly blocks: Buffer[] = [];
  private fill: number;
  private size = 0;

  constructor(private readonly pool: BlockPool) {
    this.fill = pool.blockBytes;
  }

  get length(): number {
    return this.size;
  }

  append(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; ) {
      if (this.fill === this.pool.blockBytes) {
        this.blocks.push(this.pool.take());
        this.fill = 0;
      }
      const n = Math.min(chunk.length - at, this.pool.blockBytes - this.fill);
      this.blocks[this.blocks.length - 1]!.set(chunk.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
    }
    this.size += chunk.length;
  }

  /** The bytes as one new Buffer that owns all of its memory (so it can be moved to a worker); the blocks go back. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.size);
    let at = 0;
    for (const block of this.blocks) {
      const n = Math.min(block.length, this.size - at);
      out.set(block.subarray(0, n), at);
      at += n;
    }
    this.release();
    return out;
  }

  /** Gives the blocks back without reading them. Safe to call more than once. */
  release(): void {
    this.pool.give(this.blocks);
    this.blocks.length = 0;
    this.fill = this.pool.blockBytes;
    this.size = 0;
  }
}
