// Turns on the SQLite database's one write lock, taken by two kinds of writer.
// Shared turns (the ingest worker's commits) may overlap each other: that
// thread runs its transactions one after another, and sending it the next
// delivery before the last one is answered is what lets it batch them.
// An exclusive turn (a Prisma interactive transaction on the main thread's
// writer connection) runs alone, as every write did before mail was batched:
// its deferred BEGIN ... COMMIT spans awaits, two of them on one connection
// would mix their statements, and a commit from another connection between
// its first read and its first write makes SQLite refuse that write
// (SQLITE_BUSY_SNAPSHOT, https://www.sqlite.org/isolation.html; no busy
// timeout waits it out).
// Turns start in arrival order: a shared turn that arrives after a waiting
// exclusive one waits too, so a flood of mail cannot starve the API's writes.

type Kind = 'shared' | 'exclusive';

interface Waiting {
  kind: Kind;
  start: () => void;
}

export class WriteTurns {
  private running = 0;
  private runningKind: Kind | null = null;
  private readonly waiting: Waiting[] = [];
  private idle: Array<() => void> = [];

  shared<T>(task: () => Promise<T>): Promise<T> {
    return this.take('shared', task);
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.take('exclusive', task);
  }

  /** Resolves once every turn taken so far has ended. */
  drain(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private take<T>(kind: Kind, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.runningKind = kind;
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => this.end());
      };
      if (this.canStart(kind)) start();
      else this.waiting.push({ kind, start });
    });
  }

  private canStart(kind: Kind): boolean {
    return this.waiting.length === 0 && this.fits(kind);
  }

  /** Whether a turn of this kind may run beside the ones running now. */
  private fits(kind: Kind): boolean {
    return this.running === 0 || (kind === 'shared' && this.runningKind === 'shared');
  }

  private end(): void {
    this.running--;
    if (this.running === 0) this.runningKind = null;
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.kind)) this.waiting.shift()!.start();
    if (this.running === 0 && this.waiting.length === 0) {
      const idle = this.idle;
      this.idle = [];
      idle.forEach((resolve) => resolve());
    }
  }
}
