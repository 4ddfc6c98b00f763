// Collects a DATA stream into one Buffer. smtp-server has already removed the
// dot-stuffing; the core makes bare line ends CRLF (mail-intake.ts).
// The chunks are copied into pooled blocks as they arrive (block-pool.ts).
// With a budget lease, reading pauses while the budget is over its limit
// (smtp-server then stops reading the socket: TCP flow control slows the sender).
import type { Readable } from 'node:stream';
import { PooledBytes, type BlockPool } from './block-pool.js';
import type { Lease } from './receive-budget.js';

export interface ReadResult {
  raw: Buffer;
  sizeExceeded: boolean;
}

export function readMessage(stream: Readable & { sizeExceeded?: boolean }, pool: BlockPool, lease?: Lease): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const bytes = new PooledBytes(pool);
    stream.on('data', (chunk: Buffer) => {
      // Over the limit we keep draining (RFC 5321 4.5.3.1.8) but stop buffering.
      if (stream.sizeExceeded) return bytes.release();
      bytes.append(chunk);
      const wait = lease?.take(chunk.length);
      if (wait) {
        stream.pause();
        void wait.then(() => stream.resume());
      }
    });
    stream.once('error', (err) => {
      lease?.doneArriving();
      bytes.release();
      reject(err);
    });
    stream.once('end', () => {
      lease?.doneArriving();
      if (stream.sizeExceeded) {
        bytes.release();
        return resolve({ raw: Buffer.alloc(0), sizeExceeded: true });
      }
      resolve({ raw: bytes.take(), sizeExceeded: false });
    });
  });
}
