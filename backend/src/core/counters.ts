// Fixed-window counters: rate limits and AUTH-failure counts. A port, so
// that instances behind one load balancer share one count per client
// (Redis) where a single process keeps them in memory (LocalCounters).
// A window starts with the first count of a key and lasts windowMs.

export interface WindowCount {
  count: number;
  /** when the window ends (epoch ms) */
  resetAt: number;
}

export interface CounterStore {
  /** adds `by` (may be negative) to the key's count in its window; the count after it */
  add(key: string, windowMs: number, by?: number): Promise<WindowCount>;
  /** the key's count in its window, adding nothing */
  peek(key: string, windowMs: number): Promise<WindowCount>;
  /** forgets the key */
  reset(key: string): Promise<void>;
}

export class LocalCounters implements CounterStore {
  private readonly windows = new Map<string, WindowCount>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async add(key: string, windowMs: number, by = 1): Promise<WindowCount> {
    return this.addNow(key, windowMs, by);
  }

  async peek(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    const w = this.windows.get(key);
    return w && w.resetAt > now ? { ...w } : { count: 0, resetAt: now + windowMs };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** add, without a turn of the event loop (the Redis store falls back to it) */
  addNow(key: string, windowMs: number, by = 1): WindowCount {
    const now = this.now();
    this.sweep(now, windowMs);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count = Math.max(0, w.count + by);
    return { ...w };
  }

  /** Drops ended windows now and then, so keys seen once do not pile up. */
  private sweep(now: number, windowMs: number): void {
    if (now < this.nextSweep) return;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    this.nextSweep = now + Math.min(windowMs, 60_000);
  }
}
