// The rate-limit and AUTH-failure counts in Redis, shared by every
// instance: one key per window, counted and given its expiry by one script
// (atomic, one round trip). While Redis is down, this process counts alone
// (LocalCounters) rather than refusing or waiting: limits stay in force per
// instance, and the shared count resumes when Redis is back.
import { LocalCounters, type CounterStore, type WindowCount } from '../core/counters.js';
import type { Logger } from '../shared/logger.js';
import type { RedisLink } from './redis-link.js';

// KEYS[1] the window's key; ARGV[1] the window in ms, ARGV[2] what to add.
// Returns the count after it and the ms left in the window.
const ADD = `
local c = redis.call('INCRBY', KEYS[1], ARGV[2])
if c < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL'); c = 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

const PEEK = `
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

export class RedisCounters implements CounterStore {
  private readonly local: LocalCounters;
  private failing = false;

  constructor(
    private readonly link: Pick<RedisLink, 'command' | 'key'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.local = new LocalCounters(now);
  }

  async add(key: string, windowMs: number, by = 1): Promise<WindowCount> {
    return this.run(ADD, key, windowMs, by, () => this.local.add(key, windowMs, by));
  }

  async peek(key: string, windowMs: number): Promise<WindowCount> {
    return this.run(PEEK, key, windowMs, 0, () => this.local.peek(key, windowMs));
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    await this.link.command.del(this.link.key('counter', key)).catch(() => undefined);
  }

  private async run(script: string, key: string, windowMs: number, by: number, fallback: () => Promise<WindowCount>): Promise<WindowCount> {
    try {
      const [count, ttl] = (await this.link.command.eval(script, 1, this.link.key('counter', key), windowMs, by)) as [number, number];
      this.failing = false;
      return { count, resetAt: this.now() + ttl };
    } catch (err) {
      if (!this.failing) this.log.warn({ err: (err as Error).message }, 'shared counters unavailable; counting on this instance alone');
      this.failing = true;
      return fallback();
    }
  }
}
