// A limit per key (client IP, or IP + purpose) over fixed windows, counted
// in a CounterStore: this process's memory, or Redis shared by every
// instance. Loopback clients are exempt unless RATE_LIMIT_LOOPBACK_EXEMPT=false
// (CONTRACT.md).
import type { CounterStore } from './counters.js';

export interface LimitAnswer {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class WindowCounter {
  constructor(
    private readonly store: CounterStore,
    /** keeps this limit's keys apart from other limits' in a shared store */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Whether one more is allowed now, without counting it. */
  async check(key: string): Promise<LimitAnswer> {
    if (!this.enabled) return { allowed: true, retryAfterSeconds: 0 };
    const w = await this.store.peek(this.keyOf(key), this.windowMs);
    return this.answer(w.count < this.limit, w.resetAt);
  }

  async add(key: string): Promise<void> {
    if (this.enabled) await this.store.add(this.keyOf(key), this.windowMs);
  }

  /** Counts this one and says whether it was within the limit. */
  async hit(key: string): Promise<LimitAnswer> {
    if (!this.enabled) return { allowed: true, retryAfterSeconds: 0 };
    const w = await this.store.add(this.keyOf(key), this.windowMs);
    return this.answer(w.count <= this.limit, w.resetAt);
  }

  private keyOf(key: string): string {
    return `${this.name}:${key}`;
  }

  private answer(allowed: boolean, resetAt: number): LimitAnswer {
    return { allowed, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - this.now()) / 1000)) };
  }
}

/**
 * The host's own clients: 127.0.0.1 and ::1. Other 127/8 addresses count as
 * remote on purpose, so an operator (or a test) can exercise the limits from
 * this machine by binding 127.0.0.2.
 */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || a === '127.0.0.1';
}

/** Whether limits apply to this client at all. */
export function limitsApply(address: string | null | undefined, loopbackExempt: boolean): boolean {
  return !(loopbackExempt && isLoopbackAddress(address));
}
