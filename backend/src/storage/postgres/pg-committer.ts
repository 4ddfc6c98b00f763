// The PostgreSQL engine's group commit: deliveries that arrive while a batch
// commits go into the next transaction together (storage/group-commit.ts),
// written by a few set-based statements whatever its size (pg-batch-delivery.ts).
// A delivery is answered only after COMMIT returned; a batch that fails is
// rolled back whole and retried one delivery at a time.
import type pg from 'pg';
import { GroupCommit } from '../group-commit.js';
import { beginBatch, insertBatch } from './pg-batch-delivery.js';
import { insertDelivery, type PgCommittedRows, type PgDeliveryRows } from './pg-delivery-sql.js';

/** A batch's size in copies, with every 64 KiB of blob bytes counted as one more: a batch of big mail stays small. */
const weightOf = (d: PgDeliveryRows): number =>
  d.copies.length + Math.floor(d.blobs.reduce((n, b) => n + b.bytes.byteLength, 0) / (64 * 1024));

// Another instance's batch can lock the same user rows in the other order
// (deadlock_detected; serialization_failure likewise): PostgreSQL gives up on
// one side, which runs again, since it is all or nothing.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

export class PgCommitter {
  private readonly group = new GroupCommit<PgDeliveryRows, PgCommittedRows>((batch) => this.commitBatch(batch), weightOf);
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly pool: pg.Pool) {}

  commit(delivery: PgDeliveryRows): Promise<PgCommittedRows> {
    const p = this.group.submit(delivery);
    this.running.add(p);
    const forget = () => this.running.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves once every delivery submitted so far is settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async commitBatch(batch: PgDeliveryRows[]): Promise<PgCommittedRows[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(batch);
      } catch (err) {
        if (attempt >= ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }

  private async transaction(batch: PgDeliveryRows[]): Promise<PgCommittedRows[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await beginBatch(client, batch);
      const now = new Date();
      let out = await insertBatch(client, batch, now);
      if (!out) {
        // A copy merges threads: the batch again, copy by copy. Nothing of the first try is kept.
        await client.query('ROLLBACK');
        await beginBatch(client, batch);
        out = [];
        for (const d of batch) out.push(await insertDelivery(client, d, now));
      }
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      // A connection that could not even roll back is closed, not reused.
      client.release(broken);
    }
  }
}
