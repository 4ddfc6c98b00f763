// SMTP AUTH's brakes: the shared LoginGuard (per IP and per account, counted
// before the password check), and per connection: the third failure ends the
// session (421 4.7.0). Limited attempts answer 454 4.7.0 without a check.
import { AppError } from '../shared/app-error.js';
import type { LoginGuard } from './login-guard.js';

// Bounds the bookkeeping when many connections fail once and go away.
const MAX_TRACKED = 10_000;

export class AuthGuard {
  private readonly byConnection = new Map<string, { failures: number; lastAt: number }>();

  constructor(
    private readonly logins: LoginGuard,
    private readonly failuresPerConnection = 3,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `verify` unless a limit says no. A failure (verify answered null)
   * throws auth_failed, auth_rate_limited or auth_locked.
   */
  async attempt<U>(connectionId: string, remoteAddress: string, account: string, verify: () => Promise<U | null>): Promise<U> {
    const outcome = await this.logins.attempt(remoteAddress, account, verify);
    if (outcome.ok) return outcome.user;
    if (this.connectionFailure(connectionId) >= this.failuresPerConnection) {
      this.byConnection.delete(connectionId);
      throw new AppError('rateLimited', 'auth_locked', 'Too many failed authentication attempts, closing connection');
    }
    if (outcome.reason !== 'failed') throw new AppError('rateLimited', 'auth_rate_limited', 'Too many failed authentication attempts, try again later');
    // The same words for an unknown user and a wrong password.
    throw new AppError('unauthorized', 'auth_failed', 'Authentication credentials invalid');
  }

  /** Forget a closed connection (optional: stale entries are pruned anyway). */
  forget(connectionId: string): void {
    this.byConnection.delete(connectionId);
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
