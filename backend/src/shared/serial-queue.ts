// Runs async tasks one at a time, in arrival order. The SQLite writer is a
// single connection: interleaving two interactive transactions on it would mix
// their statements, so every write goes through one of these.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
