// Brute-force brakes for SMTP AUTH. Per connection: the third
// failure ends the session (421 4.7.0). Per client IP: more than 10 failures
// in a minute get 454 4.7.0 without a password check, until the minute has
// passed. Loopback clients are not rate limited unless configured
// (CONTRACT.md, RATE_LIMIT_LOOPBACK_EXEMPT), but every connection is closed
// after its third failure.
import { AppError } from '../shared/app-error.js';
import { isLoopbackAddress } from './rate-limits.js';

export interface AuthGuardOptions {
  failuresPerConnection: number;
  failuresPerIpPerWindow: number;
  windowMs: number;
  /** clients the per-IP limit never applies to (loopback by default) */
  exempt: (ip: string) => boolean;
  now?: () => number;
}

const DEFAULTS: AuthGuardOptions = {
  failuresPerConnection: 3, failuresPerIpPerWindow: 10, windowMs: 60_000, exempt: isLoopbackAddress,
};
// Bounds the bookkeeping when many connections fail once and go away.
const MAX_TRACKED = 10_000;

export class AuthGuard {
  private readonly opts: AuthGuardOptions;
  private readonly byConnection = new Map<string, { failures: number; lastAt: number }>();
  private readonly byIp = new Map<string, number[]>();

  constructor(opts: Partial<AuthGuardOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /**
   * Runs `verify` unless the IP is over its limit. A failure (verify answered
   * null) throws auth_failed, auth_rate_limited or auth_locked.
   */
  async attempt<U>(connectionId: string, remoteAddress: string, verify: () => Promise<U | null>): Promise<U> {
    const limited = this.ipLimited(remoteAddress);
    const user = limited ? null : await verify();
    if (user) return user;
    this.recordFailure(remoteAddress);
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

  private ipLimited(ip: string): boolean {
    if (this.opts.exempt(ip)) return false;
    return this.recentIpFailures(ip).length >= this.opts.failuresPerIpPerWindow;
  }

  private recentIpFailures(ip: string): number[] {
    const since = this.now() - this.opts.windowMs;
    const list = (this.byIp.get(ip) ?? []).filter((t) => t > since);
    if (list.length) this.byIp.set(ip, list);
    else this.byIp.delete(ip);
    return list;
  }

  private recordFailure(ip: string): void {
    if (this.opts.exempt(ip)) return;
    if (this.byIp.size > MAX_TRACKED) this.prune();
    this.byIp.set(ip, [...this.recentIpFailures(ip), this.now()]);
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
    const since = this.now() - this.opts.windowMs;
    for (const ip of [...this.byIp.keys()]) this.recentIpFailures(ip);
    // A connection idle for an hour has long hit the socket timeout.
    for (const [id, e] of this.byConnection) if (e.lastAt < since - 3_600_000) this.byConnection.delete(id);
  }
}
