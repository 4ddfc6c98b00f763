// Group commit for incoming mail. Deliveries that arrive while a transaction
// is running wait and are committed together in the next one: one WAL fsync
// and a few statements for many messages. A failed batch is retried one
// delivery at a time, so one bad message cannot fail its neighbours.
import type { Database } from './database.js';
import { insertMessageCopies, type NewMessageCopy, type StoredCopy } from './message-store.js';

interface Pending {
  copies: NewMessageCopy[];
  resolve: (stored: StoredCopy[]) => void;
  reject: (err: unknown) => void;
}

export class IngestWriter {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly maxCopiesPerBatch = 256,
  ) {}

  /** Resolves once the copies are committed, in the same order. */
  store(copies: NewMessageCopy[]): Promise<StoredCopy[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ copies, resolve, reject });
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
    while (n < this.queue.length && (n === 0 || count + this.queue[n]!.copies.length <= this.maxCopiesPerBatch)) {
      count += this.queue[n]!.copies.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const stored = await this.db.write((tx) => insertMessageCopies(tx, batch.flatMap((p) => p.copies)));
      let offset = 0;
      for (const p of batch) {
        p.resolve(stored.slice(offset, offset + p.copies.length));
        offset += p.copies.length;
      }
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) await this.commit([p]);
    }
  }
}
