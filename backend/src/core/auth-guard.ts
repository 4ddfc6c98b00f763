// Brute-force brakes for SMTP AUTH. Per connection: the third failure ends
// the session (421 4.7.0). Per client IP: 10 failures in a minute's window
// get 454 4.7.0 without a password check until the window ends, counted
// across instances when they share counters. Loopback clients are not rate
// limited unless configured (CONTRACT.md, RATE_LIMIT_LOOPBACK_EXEMPT), but
// every connection is closed after its third failure.
import { AppError } from '../shared/app-error.js';
import { LocalCounters, type CounterStore } from './counters.js';
import { isLoopbackAddress } from './rate-limits.js';

export interface AuthGuardOptions {
  failuresPerConnection: number;
  failuresPerIpPerWindow: number;
  windowMs: number;
  /** clients the per-IP limit never applies to (loopback by default) */
  exempt: (ip: string) => boolean;
  now?: () => number;
  /** where the per-IP failures are counted: shared by every instance, or this process's (the default) */
  counters?: CounterStore;
}

const DEFAULTS: AuthGuardOptions = {
  failuresPerConnection: 3, failuresPerIpPerWindow: 10, windowMs: 60_000, exempt: isLoopbackAddress,
};
// Bounds the bookkeeping when many connections fail once and go away.
const MAX_TRACKED = 10_000;

export class AuthGuard {
  private readonly opts: AuthGuardOptions;
  private readonly counters: CounterStore;
  private readonly byConnection = new Map<string, { failures: number; lastAt: number }>();

  constructor(opts: Partial<AuthGuardOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
    this.counters = opts.counters ?? new LocalCounters(opts.now);
  }

  /**
   * Runs `verify` unless the IP is over its limit. A failure (verify answered
   * null) throws auth_failed, auth_rate_limited or auth_locked.
   */
  async attempt<U>(connectionId: string, remoteAddress: string, verify: () => Promise<U | null>): Promise<U> {
    const limited = await this.ipLimited(remoteAddress);
    const user = limited ? null : await verify();
    if (user) return user;
    await this.recordFailure(remoteAddress);
    if (this.connectionFailure(connectionId) >= this.opts.failuresPerConnection) {
      this.byConnection.delete(connectionId);
      throw new AppError('rateLimited', 'auth_locked', 'Too many failed authentication attempts, closing connection');
    }
    if (limited) throw new AppError('rateLimited', 'auth_rate_limited', 'Too many failed authentication attempts, try again later');
    // The same words for an unknown user and a wrong password.
    throw new AppError('unauthorized', 'auth_failed', 'Authentication credentials invalid');
  }

  /** Forget a closed connection (optional: stale entries are pruned anyway). */
  forget(connectionId: string): void {
    this.byConnection.delete(connectionId);
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async ipLimited(ip: string): Promise<boolean> {
    if (this.opts.exempt(ip)) return false;
    const { count } = await this.counters.peek(keyOf(ip), this.opts.windowMs);
    return count >= this.opts.failuresPerIpPerWindow;
  }

  private async recordFailure(ip: string): Promise<void> {
    if (!this.opts.exempt(ip)) await this.counters.add(keyOf(ip), this.opts.windowMs);
  }

  private connectionFailure(id: string): number {
    if (this.byConnection.size > MAX_TRACKED) this.prune();
    const entry = this.byConnection.get(id) ?? { failures: 0, lastAt: 0 };
    entry.failures++;
    entry.lastAt = this.now();
    this.byConnection.set(id, entry);
    return entry.failures;
  }

  private prune(): void {
    // A connection idle for an hour has long hit the socket timeout.
    const since = this.now() - 3_600_000;
    for (const [id, e] of this.byConnection) if (e.lastAt < since) this.byConnection.delete(id);
  }
}

const keyOf = (ip: string) => `auth_failures:${ip}`;
