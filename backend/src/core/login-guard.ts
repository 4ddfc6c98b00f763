// One brake for every password check (HTTP login, SMTP AUTH): an attempt is
// counted BEFORE the hash is computed, so a burst of parallel attempts gets
// no more checks than the limit.
//   Per client IP: failures plus checks in flight, within the window; over
//     the limit nothing is checked until older failures leave the window.
//   Per account: back-off, not lock-out. After `freeFailures` failures in the
//     window, each further attempt must wait a delay that doubles with every
//     failure (up to backoffMaxMs). A client (IP) that signed in to this
//     account before is not held back by strangers' failures: a guesser can
//     slow the account down for others, never lock its owner out.
// With several instances, the failures per IP are also counted in the
// shared counters, and an instance holds back an IP over the limit on any of
// them; the in-flight reservations and the account back-off stay per instance.
import type { CounterStore, WindowCount } from './counters.js';
import { isLoopbackAddress } from './rate-limits.js';

export interface LoginGuardOptions {
  /** failures + checks in flight per IP per window (0: off) */
  perIp: number;
  windowMs: number;
  /** failures per account in the window before the back-off starts */
  freeFailures: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** clients no limit applies to (loopback by default) */
  exempt: (ip: string) => boolean;
  now?: () => number;
  /** where failures per IP are counted besides this process (shared by the instances) */
  counters?: CounterStore;
}

export type LoginOutcome<U> =
  | { ok: true; user: U }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'ip_limited' | 'account_backoff'; retryAfterMs: number };

interface IpState { failures: number[]; inFlight: number }
interface AccountState { failures: number[]; inFlight: number; notBefore: number; known: string[] }

const NONE: WindowCount = { count: 0, resetAt: 0 };
// Bounds the bookkeeping when many addresses and accounts fail once and go away.
const MAX_TRACKED = 20_000;
// Per account, the clients remembered as having signed in (most recent last).
const MAX_KNOWN_CLIENTS = 16;

export class LoginGuard {
  private readonly opts: LoginGuardOptions;
  private readonly ips = new Map<string, IpState>();
  private readonly accounts = new Map<string, AccountState>();

  constructor(opts: Partial<LoginGuardOptions> = {}) {
    this.opts = {
      perIp: 30, windowMs: 15 * 60_000, freeFailures: 10, backoffBaseMs: 1_000, backoffMaxMs: 5 * 60_000,
      exempt: isLoopbackAddress, ...opts,
    };
  }

  /** Reserves the attempt, then runs `verify` (null: wrong) unless a limit says no. */
  async attempt<U>(ip: string, account: string, verify: () => Promise<U | null>): Promise<LoginOutcome<U>> {
    const limited = !this.opts.exempt(ip);
    // Asked first: from here to the reservation below nothing waits, so parallel attempts still count each other.
    const elsewhere = limited ? await this.sharedFailures(ip) : NONE;
    const now = this.now();
    const ipState = this.ipState(ip, now);
    const acct = this.accountState(account, now);
    const known = acct.known.includes(ip);
    const ipFailures = Math.max(ipState.failures.length, elsewhere.count);
    if (limited && this.opts.perIp > 0 && ipFailures + ipState.inFlight >= this.opts.perIp) {
      const retryAfterMs = ipState.failures.length > 0 ? ipState.failures[0]! + this.opts.windowMs - now
        : ipState.inFlight > 0 ? 1_000 : Math.max(1_000, elsewhere.resetAt - now);
      return { ok: false, reason: 'ip_limited', retryAfterMs };
    }
    const backedOff = limited && !known && this.opts.freeFailures > 0;
    // Checks in flight count too: 40 parallel guesses get freeFailures checks, then one at a time.
    const pending = acct.failures.length + acct.inFlight;
    if (backedOff && pending >= this.opts.freeFailures && (acct.inFlight > 0 || now < acct.notBefore)) {
      return { ok: false, reason: 'account_backoff', retryAfterMs: Math.max(1_000, acct.notBefore - now) };
    }
    ipState.inFlight++;
    acct.inFlight++;
    let user: U | null = null;
    try {
      user = await verify();
    } finally {
      ipState.inFlight--;
      acct.inFlight--;
    }
    if (user) {
      acct.known = [...acct.known.filter((k) => k !== ip), ip].slice(-MAX_KNOWN_CLIENTS);
      return { ok: true, user };
    }
    this.recordFailure(limited, ipState, known ? null : acct);
    if (limited) await this.opts.counters?.add(`login_failures:${ip}`, this.opts.windowMs);
    return { ok: false, reason: 'failed' };
  }

  private async sharedFailures(ip: string): Promise<WindowCount> {
    if (!this.opts.counters || this.opts.perIp <= 0) return NONE;
    return this.opts.counters.peek(`login_failures:${ip}`, this.opts.windowMs);
  }

  private recordFailure(limited: boolean, ipState: IpState, acct: AccountState | null): void {
    if (!limited) return;
    const now = this.now();
    ipState.failures.push(now);
    if (!acct) return;
    acct.failures.push(now);
    const over = acct.failures.length - this.opts.freeFailures;
    if (over >= 0) acct.notBefore = now + Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.min(over, 30));
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private ipState(ip: string, now: number): IpState {
    const state = this.ips.get(ip) ?? { failures: [], inFlight: 0 };
    state.failures = this.recent(state.failures, now);
    if (!this.ips.has(ip)) this.track(this.ips, ip, state, now);
    return state;
  }

  private accountState(account: string, now: number): AccountState {
    const state = this.accounts.get(account) ?? { failures: [], inFlight: 0, notBefore: 0, known: [] };
    state.failures = this.recent(state.failures, now);
    if (!this.accounts.has(account)) this.track(this.accounts, account, state, now);
    return state;
  }

  private recent(times: number[], now: number): number[] {
    const since = now - this.opts.windowMs;
    return times.length && times[0]! <= since ? times.filter((t) => t > since) : times;
  }

  private track<S extends { failures: number[]; inFlight: number }>(map: Map<string, S>, key: string, state: S, now: number): void {
    if (map.size >= MAX_TRACKED) {
      // Entries with nothing recent and nothing in flight carry no information (known clients are kept while failures are).
      for (const [k, s] of map) if (s.inFlight === 0 && this.recent(s.failures, now).length === 0 && !('known' in s && (s.known as string[]).length)) map.delete(k);
    }
    map.set(key, state);
  }
}
