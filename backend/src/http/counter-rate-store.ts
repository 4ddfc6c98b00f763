// express-rate-limit's Store over the core's counters, so the HTTP limits
// count in the same place as the SMTP ones: this process's memory, or Redis
// shared by every instance (with this process's memory while Redis is down).
import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { CounterStore } from '../core/counters.js';

export class CounterRateStore implements Store {
  private windowMs = 60_000;
  /** keeps this limiter's keys apart from the other limiters' (express-rate-limit reads it too) */
  readonly prefix: string;

  constructor(
    private readonly counters: CounterStore,
    name: string,
  ) {
    this.prefix = `http_${name}:`;
  }

  // The counts live outside this process when the counters are shared.
  get localKeys(): boolean {
    return false;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const w = await this.counters.add(this.keyOf(key), this.windowMs);
    return { totalHits: w.count, resetTime: new Date(w.resetAt) };
  }

  async decrement(key: string): Promise<void> {
    await this.counters.add(this.keyOf(key), this.windowMs, -1);
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.reset(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return this.prefix + key;
  }
}
