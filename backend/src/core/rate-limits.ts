// Fixed-window counters per key (client IP, or IP + purpose), in memory: one
// ChitBox process owns its listeners, so nothing needs sharing. Loopback
// clients are exempt unless RATE_LIMIT_LOOPBACK_EXEMPT=false (CONTRACT.md).
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Whether one more is allowed now, without counting it. */
  check(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    if (!this.enabled) return { allowed: true, retryAfterSeconds: 0 };
    const w = this.current(key, now);
    return { allowed: w.count < this.limit, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  add(key: string, now = Date.now()): void {
    if (!this.enabled) return;
    this.current(key, now).count++;
  }

  /** check + add: counts this one and says whether it was within the limit */
  hit(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const result = this.check(key, now);
    if (result.allowed) this.add(key, now);
    return result;
  }

  private current(key: string, now: number): { count: number; resetAt: number } {
    if (now >= this.nextSweep) {
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      this.nextSweep = now + this.windowMs;
    }
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    return w;
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
