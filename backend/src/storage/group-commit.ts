// Group commit, for every engine. Deliveries that arrive while a transaction
// runs (its commit, the log's fsync, is the slow part) wait and go into the
// next one together: one fsync for many messages. A failed batch is retried
// one delivery at a time, so one bad message cannot fail its neighbours.
//
// The SQLite engine commits synchronously on its ingest worker thread; the
// PostgreSQL engine awaits a round trip to the server. Either way one batch
// is in flight at a time, and the next forms while it runs.

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

/** One transaction for all items, results in order; synchronous or not. */
export type CommitAll<In, Out> = (items: In[]) => Out[] | Promise<Out[]>;

export class GroupCommit<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private scheduled = false;

  /**
   * weightOf / maxWeight cap a batch (copies of messages, say); a single item
   * over the cap still goes, alone.
   */
  constructor(
    private readonly commitAll: CommitAll<In, Out>,
    private readonly weightOf: (item: In) => number = () => 1,
    private readonly maxWeight = 256,
  ) {}

  /** Resolves once the item is committed. */
  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  // setImmediate runs after this turn's other incoming work was queued, so
  // everything that arrived during the last commit shares the next one. An
  // asynchronous commit keeps `scheduled` until it ends: one batch at a time.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      const running = this.commit(this.takeBatch());
      if (running) void running.finally(() => this.next());
      else this.next();
    });
  }

  private next(): void {
    this.scheduled = false;
    if (this.queue.length > 0) this.schedule();
  }

  private takeBatch(): Pending<In, Out>[] {
    let weight = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || weight + this.weightOf(this.queue[n]!.item) <= this.maxWeight)) {
      weight += this.weightOf(this.queue[n]!.item);
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Settles the batch; a promise when the commit is asynchronous (it never rejects). */
  private commit(batch: Pending<In, Out>[]): Promise<void> | void {
    let results: Out[] | Promise<Out[]>;
    try {
      results = this.commitAll(batch.map((p) => p.item));
    } catch (err) {
      return this.failed(batch, err);
    }
    if (!(results instanceof Promise)) return this.settle(batch, results);
    return results.then(
      (out) => this.settle(batch, out),
      (err: unknown) => this.failed(batch, err),
    );
  }

  private settle(batch: Pending<In, Out>[], results: Out[]): void {
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  /** One at a time after a failed batch; in order, and each waits for the last when commits are asynchronous. */
  private failed(batch: Pending<In, Out>[], err: unknown): Promise<void> | void {
    if (batch.length === 1) return batch[0]!.reject(err);
    let chain: Promise<void> | null = null;
    for (const p of batch) {
      if (chain) chain = chain.then(() => this.commit([p]));
      else chain = this.commit([p]) ?? null;
    }
    return chain ?? undefined;
  }
}
