// Parsing off the main thread, with a deadline. mailparser can fail to settle
// on hostile input (a parse that never finishes holds its bytes, and everything
// waiting behind it, forever); on a worker thread such a parse can be abandoned:
// past PARSE_TIMEOUT_MS its thread is ended and replaced, and the message gets
// the same best-effort header fields as mail the parser refuses.
//
// Big and small mail parse on different threads (when there are two or more):
// twenty small parses interleaved need a large young generation, or their
// objects outlive it and the thread runs full collections; a big message's
// bytes are not on the heap, and a large young generation would only add to
// its peak memory. Each thread starts when first needed (the first, for big
// mail, at start). A thread holding a parse that has run suspiciously long is
// passed over, so a parse that spins (rather than stalls) does not stop the
// others.
import type { Logger } from '../../shared/logger.js';
import { siblingModule, WorkerRpc } from '../../shared/worker-rpc.js';
import { parseHeaderBlock } from '../header-fallback.js';
import type { ParsedMessage } from '../parsed-message.js';
import { ByteBudget } from './byte-budget.js';
import { fromAnswer, requestBytes } from './parse-wire.js';

export interface ParsePoolOptions {
  /** at most this many parse threads */
  workers: number;
  /** a parse running longer is abandoned (its thread ended) and the message gets header fields only */
  timeoutMs: number;
  /** bytes of messages parsed at once; a message alone always goes (default 2 MiB) */
  budgetBytes?: number;
  /** a parse running longer than this stops holding other parses back (default 500 ms) */
  holdMs?: number;
  /** told of every abandoned parse and lost thread: operators must see a parser that keeps failing */
  log?: Pick<Logger, 'warn'>;
  /** the thread's module (tests put a misbehaving parser there); default parse-thread */
  threadModule?: URL;
}

/** Turns message bytes into fields; never rejects (a failed parse falls back to the header block). */
export interface MessageParser {
  start(): Promise<void>;
  parse(raw: Buffer): Promise<ParsedMessage>;
  close(): Promise<void>;
}

// Parsing twenty big messages interleaved is no faster than one or two at a
// time, but holds twenty working sets in memory.
const DEFAULT_BUDGET_BYTES = 2 * 1024 * 1024;
// Normal parses take milliseconds; one that has run this long is presumed stuck
// until its deadline says so, and stops delaying the others.
const DEFAULT_HOLD_MS = 500;
// From this size on a message parses on the big-mail thread.
const BIG_MESSAGE_BYTES = 256 * 1024;
// A parse holds a few times its message in memory; the old-generation cap
// ends a thread that a hostile message drives past it (the message is then
// retried, and finally gets header fields) instead of the process. The young
// generations: a worker's default (8 MB semi-spaces, worker-rpc.ts) for big
// mail, and for all mail when there is one thread; 16 MB for small mail. With
// 8 MB, a 10,000-message run of 4 KB mail gave the parse thread 32 full
// collections, with 16 MB four or five.
const BIG_MAIL_LIMITS = { maxOldGenerationSizeMb: 512 };
const SMALL_MAIL_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 48 };
// A thread lost under a parse (another message's deadline, a crash) is retried
// elsewhere; a message that keeps losing threads gets header fields.
const MAX_ATTEMPTS = 3;

interface Slot {
  rpc: WorkerRpc;
  /** the parses in flight on this thread, by start time */
  running: Set<{ startedAt: number }>;
}

class ParseAbandoned extends Error {}

export class ParsePool implements MessageParser {
  private readonly slots: Slot[];
  private readonly budget: ByteBudget;
  private readonly holdMs: number;
  private closed = false;

  constructor(private readonly options: ParsePoolOptions) {
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    this.budget = new ByteBudget(options.budgetBytes ?? DEFAULT_BUDGET_BYTES, { holdMs: this.holdMs });
    const module = options.threadModule ?? siblingModule('parse-thread', import.meta.url);
    this.slots = Array.from({ length: Math.max(1, options.workers) }, (_, i) => ({
      rpc: new WorkerRpc(module, {}, i === 0 ? BIG_MAIL_LIMITS : SMALL_MAIL_LIMITS),
      running: new Set<{ startedAt: number }>(),
    }));
  }

  /**
   * Starts the first thread (big mail's) now. Small mail's starts with the
   * first small message; a parse's deadline never counts a thread's start-up.
   */
  async start(): Promise<void> {
    await this.slots[0]!.rpc.ready();
  }

  parse(raw: Buffer): Promise<ParsedMessage> {
    return this.budget.run(raw.length, () => this.attempt(raw, 1));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.rpc.close()));
  }

  private async attempt(raw: Buffer, attempt: number): Promise<ParsedMessage> {
    const slot = this.pick(raw.length);
    const running = { startedAt: performance.now() };
    let overran = false;
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    slot.running.add(running);
    try {
      const answer = slot.rpc.call<ParsedMessage>((id) => ({ id, raw: requestBytes(raw) }));
      // The deadline is for the parse, not for a fresh thread's start-up.
      void slot.rpc.ready().then(() => {
        if (settled) return;
        deadline = setTimeout(() => {
          overran = true;
          slot.rpc.terminate(new ParseAbandoned(`a parse ran past ${this.options.timeoutMs} ms`));
        }, this.options.timeoutMs);
        deadline.unref();
      });
      return fromAnswer(await answer);
    } catch (err) {
      if (overran) {
        this.options.log?.warn({ bytes: raw.length, timeoutMs: this.options.timeoutMs }, 'parse abandoned at its deadline: stored with header fields only');
        return parseHeaderBlock(raw, `parsing did not finish within ${this.options.timeoutMs} ms`);
      }
      if (attempt < MAX_ATTEMPTS && !this.closed) return this.attempt(raw, attempt + 1);
      this.options.log?.warn({ bytes: raw.length, err: (err as Error).message }, 'parse thread lost three times: stored with header fields only');
      return parseHeaderBlock(raw, `the parser thread failed: ${(err as Error).message}`);
    } finally {
      settled = true;
      clearTimeout(deadline);
      slot.running.delete(running);
    }
  }

  /** The first thread for the message's size with nothing suspiciously slow on it; else any such; else the least busy. */
  private pick(bytes: number): Slot {
    const now = performance.now();
    const suspect = (s: Slot) => [...s.running].some((r) => now - r.startedAt > this.holdMs);
    const [big, ...small] = this.slots;
    const preferred = bytes >= BIG_MESSAGE_BYTES || small.length === 0 ? this.slots : [...small, big!];
    return preferred.find((s) => !suspect(s)) ?? this.slots.reduce((a, b) => (b.running.size < a.running.size ? b : a));
  }
}
