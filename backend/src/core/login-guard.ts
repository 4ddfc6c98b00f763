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
// With several instances, the shared counters hold the same brakes across
// them: failures per IP; per account, every attempt counted before its check
// (a success gives its count back) and the back-off as a gate, a window that
// lets one check through and lasts the delay; and the clients known to an
// account. Each instance also keeps its own counts as above and holds back
// whatever either says to. The shared store is waited on for at most
// sharedWaitMs: slow, failing or away, a login goes on with this instance's
// counts alone (a guesser then gets freeFailures per instance), never fails.
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
  /** where the brakes are kept besides this process (shared by the instances) */
  counters?: CounterStore;
  /** the longest a check waits on `counters` before going on without them */
  sharedWaitMs: number;
}

export type LoginOutcome<U> =
  | { ok: true; user: U }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'ip_limited' | 'account_backoff'; retryAfterMs: number };

interface IpState { failures: number[]; inFlight: number }
interface AccountState { failures: number[]; inFlight: number; notBefore: number; known: string[] }
/** reserved: counted in the shared store; a delay: the shared back-off says no; null: no shared answer, local counts only */
type SharedReservation = 'reserved' | { retryAfterMs: number } | null;

const NONE: WindowCount = { count: 0, resetAt: 0 };
// Bounds the bookkeeping when many addresses and accounts fail once and go away.
const MAX_TRACKED = 20_000;
// Per account, the clients remembered as having signed in (most recent last).
const MAX_KNOWN_CLIENTS = 16;
// How long the shared store remembers that a client signed in to an account.
const KNOWN_CLIENT_MS = 30 * 24 * 3_600_000;

const accountKey = (account: string) => `login_account:${account}`;
const gateKey = (account: string) => `login_backoff:${account}`;
// Encoded: an account name may hold ':', like the IPv6 address after it.
const knownKey = (account: string, ip: string) => `login_known:${encodeURIComponent(account)}:${ip}`;

export class LoginGuard {
  private readonly opts: LoginGuardOptions;
  private readonly ips = new Map<string, IpState>();
  private readonly accounts = new Map<string, AccountState>();

  constructor(opts: Partial<LoginGuardOptions> = {}) {
    this.opts = {
      perIp: 30, windowMs: 15 * 60_000, freeFailures: 10, backoffBaseMs: 1_000, backoffMaxMs: 5 * 60_000,
      exempt: isLoopbackAddress, sharedWaitMs: 1_000, ...opts,
    };
  }

  /** Reserves the attempt, then runs `verify` (null: wrong) unless a limit says no. */
  async attempt<U>(ip: string, account: string, verify: () => Promise<U | null>): Promise<LoginOutcome<U>> {
    const limited = !this.opts.exempt(ip);
    const braked = limited && this.opts.freeFailures > 0;
    // Asked first: from here to the reservation below nothing waits, so parallel attempts still count each other.
    const [elsewhere, knownElsewhere] = await Promise.all([
      limited ? this.sharedFailures(ip) : NONE,
      braked ? this.shared(async (c) => (await c.peek(knownKey(account, ip), KNOWN_CLIENT_MS)).count > 0, false) : false,
    ]);
    const now = this.now();
    const ipState = this.ipState(ip, now);
    const acct = this.accountState(account, now);
    const known = knownElsewhere || acct.known.includes(ip);
    const ipFailures = Math.max(ipState.failures.length, elsewhere.count);
    if (limited && this.opts.perIp > 0 && ipFailures + ipState.inFlight >= this.opts.perIp) {
      const retryAfterMs = ipState.failures.length > 0 ? ipState.failures[0]! + this.opts.windowMs - now
        : ipState.inFlight > 0 ? 1_000 : Math.max(1_000, elsewhere.resetAt - now);
      return { ok: false, reason: 'ip_limited', retryAfterMs };
    }
    const backedOff = braked && !known;
    // Checks in flight count too: 40 parallel guesses get freeFailures checks, then one at a time.
    const pending = acct.failures.length + acct.inFlight;
    if (backedOff && pending >= this.opts.freeFailures && (acct.inFlight > 0 || now < acct.notBefore)) {
      return { ok: false, reason: 'account_backoff', retryAfterMs: Math.max(1_000, acct.notBefore - now) };
    }
    ipState.inFlight++;
    acct.inFlight++;
    let shared: SharedReservation = null;
    let user: U | null = null;
    try {
      shared = backedOff ? await this.reserveShared(account) : null;
      if (shared && shared !== 'reserved') return { ok: false, reason: 'account_backoff', retryAfterMs: shared.retryAfterMs };
      user = await verify();
    } catch (err) {
      // A check that could not be made is no failure.
      if (shared === 'reserved') await this.giveBack(account);
      throw err;
    } finally {
      ipState.inFlight--;
      acct.inFlight--;
    }
    if (user) {
      acct.known = [...acct.known.filter((k) => k !== ip), ip].slice(-MAX_KNOWN_CLIENTS);
      await Promise.all([
        shared === 'reserved' ? this.giveBack(account) : null,
        braked ? this.shared((c) => c.add(knownKey(account, ip), KNOWN_CLIENT_MS), null) : null,
      ]);
      return { ok: true, user };
    }
    this.recordFailure(limited, ipState, known ? null : acct);
    if (limited) await this.shared((c) => c.add(`login_failures:${ip}`, this.opts.windowMs), null);
    return { ok: false, reason: 'failed' };
  }

  /**
   * Counts the attempt on the account in the shared store before its check (a
   * failure keeps the count). The first freeFailures - 1 pass; from there each
   * must also open the gate: only the one that finds it open (count 1 in a new
   * window) goes on, and its window lasts the delay its failure would earn, so
   * the next check anywhere waits that long (from this check's start, where
   * an instance's own back-off counts from its end). Parallel attempts on
   * several instances get freeFailures checks in all: one key's count is atomic.
   */
  private async reserveShared(account: string): Promise<SharedReservation> {
    const counted = await this.shared((c) => c.add(accountKey(account), this.opts.windowMs), null);
    if (!counted) return null;
    const over = counted.count - this.opts.freeFailures;
    if (over < 0) return 'reserved';
    const gate = await this.shared((c) => c.add(gateKey(account), this.delay(over)), null);
    if (!gate || gate.count === 1) return 'reserved';
    await this.giveBack(account);
    return { retryAfterMs: Math.max(1_000, gate.resetAt - this.now()) };
  }

  private async giveBack(account: string): Promise<void> {
    await this.shared((c) => c.add(accountKey(account), this.opts.windowMs, -1), null);
  }

  /**
   * The shared store's answer, or `fallback` when it fails or takes longer
   * than sharedWaitMs. A write that answers late may still land: a count
   * then stays one too high until its window ends, on the safe side.
   */
  private async shared<T>(op: (counters: CounterStore) => Promise<T>, fallback: T): Promise<T> {
    const counters = this.opts.counters;
    if (!counters) return fallback;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), this.opts.sharedWaitMs);
    });
    try {
      return await Promise.race([op(counters).catch(() => fallback), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async sharedFailures(ip: string): Promise<WindowCount> {
    if (this.opts.perIp <= 0) return NONE;
    return this.shared((c) => c.peek(`login_failures:${ip}`, this.opts.windowMs), NONE);
  }

  private recordFailure(limited: boolean, ipState: IpState, acct: AccountState | null): void {
    if (!limited) return;
    const now = this.now();
    ipState.failures.push(now);
    if (!acct) return;
    acct.failures.push(now);
    const over = acct.failures.length - this.opts.freeFailures;
    if (over >= 0) acct.notBefore = now + this.delay(over);
  }

  /** The back-off after the free failures and `over` more: doubling, up to backoffMaxMs. */
  private delay(over: number): number {
    return Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.min(over, 30));
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
