// Limits how many bytes of work run at once: a task waits (first come, first
// served) until its bytes fit, and a task alone always runs, however big.
//
// With holdMs, a task that has run that long stops counting: the budget is
// for work that progresses, and one stuck task (a parse that never settles)
// must not hold every later one back until something ends it.

export interface ByteBudgetOptions {
  /** after this long a running task no longer counts against the budget (default: it always counts) */
  holdMs?: number;
  /** how the hold is timed; tests pass a clock they control */
  setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { clear: () => clearTimeout(t) };
};

export class ByteBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; start: () => void }> = [];

  constructor(
    private readonly limit: number,
    private readonly options: ByteBudgetOptions = {},
  ) {}

  async run<T>(bytes: number, task: () => Promise<T>): Promise<T> {
    await this.acquire(bytes);
    let held = true;
    const letGo = () => {
      if (!held) return;
      held = false;
      this.release(bytes);
    };
    const { holdMs } = this.options;
    const timer = holdMs === undefined ? null : (this.options.setTimer ?? realTimer)(letGo, holdMs);
    try {
      return await task();
    } finally {
      timer?.clear();
      letGo();
    }
  }

  private acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ bytes, start: resolve }));
  }

  private release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.start();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }
}
