// Group commit, on the ingest worker thread. Deliveries that arrive while a
// transaction runs (the WAL fsync makes it the slow part) wait and go into the
// next one together: one fsync for many messages. The batch forms on this
// thread, so one commit can follow the last with no round trip through the
// main thread. A failed batch is retried one delivery at a time, so one bad
// message cannot fail its neighbours.

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private scheduled = false;

  /**
   * commitAll: one synchronous transaction for all items, results in order.
   * weightOf / maxWeight cap a batch (copies of messages, say); a single item
   * over the cap still goes, alone.
   */
  constructor(
    private readonly commitAll: (items: In[]) => Out[],
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

  // setImmediate runs after this turn's other incoming messages were queued,
  // so everything that arrived during the last commit shares the next one.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commit(this.takeBatch());
      if (this.queue.length > 0) this.schedule();
    });
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

  private commit(batch: Pending<In, Out>[]): void {
    let results: Out[];
    try {
      results = this.commitAll(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) this.commit([p]);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}
