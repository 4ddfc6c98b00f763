// PooledBytes gives back exactly the bytes appended, however they were cut,
// as a buffer of its own; the pool reuses blocks and keeps no more than asked.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockPool, PooledBytes } from '../../src/smtp/block-pool.js';

describe('PooledBytes', () => {
  it.each([
    ['nothing', 0, [1]],
    ['less than a block', 10, [3]],
    ['exactly one block', 16, [16]],
    ['one byte more than a block', 17, [5, 12]],
    ['many blocks in odd chunks', 1000, [7, 1, 33, 16, 64]],
    ['chunks bigger than a block', 1000, [100, 250]],
  ])('gives back %s byte for byte', (_what, size, cuts) => {
    const pool = new BlockPool(16, 1024);
    const bytes = new PooledBytes(pool);
    const data = randomBytes(size);
    for (let at = 0, i = 0; at < size; i++) {
      const n = cuts[i % cuts.length]!;
      bytes.append(data.subarray(at, at + n));
      at += n;
    }
    expect(bytes.length).toBe(size);
    const out = bytes.take();
    expect(out.equals(data)).toBe(true);
    // Its own memory: it can be moved to another thread without taking a pooled block along.
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(size);
    expect(bytes.length).toBe(0);
  });

  it('returns its blocks to the pool, which hands the same ones out again', () => {
    const pool = new BlockPool(16, 1024);
    const first = new PooledBytes(pool);
    first.append(randomBytes(40));
    const data = first.take();
    expect(pool.idleBytes()).toBe(48);
    const reused = [pool.take(), pool.take(), pool.take()];
    expect(pool.idleBytes()).toBe(0);
    pool.give(reused);
    expect(reused).toContain(pool.take());
    const second = new PooledBytes(pool);
    second.append(Buffer.from('hello'));
    expect(second.take().toString()).toBe('hello');
    expect(data).toHaveLength(40);
  });

  it('release() gives the blocks back unread, and twice is harmless', () => {
    const pool = new BlockPool(16, 1024);
    const bytes = new PooledBytes(pool);
    bytes.append(randomBytes(33));
    bytes.release();
    bytes.release();
    expect(pool.idleBytes()).toBe(48);
    expect(bytes.length).toBe(0);
  });

  it('keeps at most maxFreeBytes of idle blocks', () => {
    const pool = new BlockPool(16, 40);
    const bytes = new PooledBytes(pool);
    bytes.append(randomBytes(100)); // 7 blocks
    bytes.release();
    expect(pool.idleBytes()).toBe(32);
  });
});
