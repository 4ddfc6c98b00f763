// Group commit for incoming mail. Deliveries that arrive while a transaction
// is running wait and are committed together in the next one: one WAL fsync
// for many messages. A failed batch is retried one delivery at a time, so one
// bad message cannot fail its neighbours.
import type { Database } from './database.js';
import type { CommittedRows, DeliveryRows } from './ingest-worker-protocol.js';

/** A message's copies, plus its external recipients to queue atomically with them. */
export type Delivery = DeliveryRows;
export type CommittedDelivery = CommittedRows;

interface Pending {
  delivery: Delivery;
  resolve: (done: CommittedDelivery) => void;
  reject: (err: unknown) => void;
}

export class IngestWriter {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly maxCopiesPerBatch = 256,
  ) {}

  /** Resolves once the delivery is committed; its copies come back in order. */
  store(delivery: Delivery): Promise<CommittedDelivery> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.commit(this.takeBatch());
    } finally {
      this.running = false;
    }
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n]!.delivery.copies.length <= this.maxCopiesPerBatch)) {
      count += this.queue[n]!.delivery.copies.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(batch: Pending[]): Promise<void> {
    let results: CommittedDelivery[];
    try {
      results = await this.db.commitDeliveries(batch.map((p) => p.delivery));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) await this.commit([p]);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}
