// The operator's policy around an SMTP session, in protocol-free terms:
// connection and message rate limits per client IP, and the numbers /metrics
// and /api/admin/stats report. (Quota is enforced in the commit itself, see
// message-store.ts.) The SMTP adapter calls it from its hooks;
// smtp-replies.ts turns the errors into reply codes.
import type { Config } from '../config/config.js';
import { AppError, isAppError } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from './event-bus.js';
import type { Metrics } from './metrics.js';
import type { CounterStore } from './counters.js';
import { limitsApply, WindowCounter } from './rate-limits.js';

export interface GuardSession {
  id: string;
  remoteAddress: string;
  user: { id: number; email: string } | null;
}

export class SmtpGuard {
  private readonly connections: WindowCounter;
  private readonly messages: WindowCounter;
  /** open sessions per client IP (those admitted: a refused one never counted) */
  private readonly openByIp = new Map<string, number>();
  private readonly admitted = new Set<string>();

  constructor(
    private readonly config: Config,
    private readonly metrics: Metrics,
    private readonly events: EventBus,
    private readonly log: Logger,
    counters: CounterStore,
  ) {
    this.connections = new WindowCounter(counters, 'smtp_connections', config.rateLimits.smtpConnectionsPerMinute, 60_000);
    this.messages = new WindowCounter(counters, 'smtp_messages', config.rateLimits.smtpMessagesPerHour, 60 * 60_000);
  }

  /**
   * onConnect: counts the connection, or refuses it (421 4.7.0) when its IP
   * already holds SMTP_MAX_CONNECTIONS_PER_IP sessions (so a few addresses
   * cannot take every slot) or is over the per-minute limit.
   */
  async admitConnection(session: Pick<GuardSession, 'id' | 'remoteAddress'>): Promise<void> {
    const ip = session.remoteAddress;
    const cap = this.config.smtp.maxConnectionsPerIp;
    if (cap > 0 && this.applies(ip) && (this.openByIp.get(ip) ?? 0) >= cap) {
      this.metrics.connectionRejected();
      this.metrics.limited('smtp_concurrent');
      this.log.warn({ sessionId: session.id, remoteAddress: ip }, 'smtp connection refused: too many open from this address');
      throw new AppError('rateLimited', 'too_many_connections', `Too many open connections from your address (at most ${cap}), try again later`);
    }
    // The place is taken before the (maybe shared) count answers: two connections at once cannot both get the last one.
    this.admitted.add(session.id);
    this.openByIp.set(ip, (this.openByIp.get(ip) ?? 0) + 1);
    if (this.applies(ip) && !(await this.connections.hit(ip)).allowed) {
      this.connectionClosed(session);
      this.metrics.connectionRejected();
      this.metrics.limited('smtp_connections');
      this.log.warn({ sessionId: session.id, remoteAddress: session.remoteAddress }, 'smtp connection refused: rate limit');
      throw new AppError('rateLimited', 'rate_limited_connections', 'Too many connections from your address, try again later');
    }
    this.metrics.connectionOpened();
  }

  /** onClose: frees the session's place in its IP's count. */
  connectionClosed(session: Pick<GuardSession, 'id' | 'remoteAddress'>): void {
    if (!this.admitted.delete(session.id)) return;
    const left = (this.openByIp.get(session.remoteAddress) ?? 1) - 1;
    if (left > 0) this.openByIp.set(session.remoteAddress, left);
    else this.openByIp.delete(session.remoteAddress);
  }

  authResult(session: Pick<GuardSession, 'id' | 'remoteAddress'>, username: string, ok: boolean): void {
    this.metrics.authAttempt(ok);
    if (ok) return;
    this.log.info({ sessionId: session.id, remoteAddress: session.remoteAddress }, 'smtp auth failed');
    this.events.publish('auth.failed', { username, remoteAddress: session.remoteAddress, via: 'smtp' });
  }

  /** MAIL FROM: unauthenticated senders get a number of messages per hour (451 4.7.1). */
  async admitMessage(session: GuardSession): Promise<void> {
    if (session.user || !this.applies(session.remoteAddress)) return;
    if (!(await this.messages.check(session.remoteAddress)).allowed) {
      this.metrics.limited('smtp_messages');
      this.log.warn({ sessionId: session.id, remoteAddress: session.remoteAddress }, 'smtp message refused: rate limit');
      throw new AppError('rateLimited', 'rate_limited_messages', 'Too many messages from your address, try again later');
    }
  }

  /** Runs a delivery (quota is enforced in its commit), timing it and counting the outcome. */
  async process<T>(session: GuardSession, bytes: number, deliver: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await deliver();
      this.metrics.messageProcessed('accepted', bytes, seconds());
      // Counted after the fact: the reply to the sender never waits on a shared store.
      if (!session.user && this.applies(session.remoteAddress)) {
        this.messages.add(session.remoteAddress).catch((err) => this.log.warn({ err }, 'could not count a message for its rate limit'));
      }
      return result;
    } catch (err) {
      const refused = isAppError(err) && err.kind !== 'tempFail';
      this.metrics.messageProcessed(refused ? 'rejected' : 'failed', bytes, seconds());
      throw err;
    }
  }

  /** A message refused before delivery (over the size limit). */
  rejected(bytes: number): void {
    this.metrics.messageProcessed('rejected', bytes, 0);
  }

  private applies(address: string): boolean {
    return limitsApply(address, this.config.rateLimits.loopbackExempt);
  }
}
