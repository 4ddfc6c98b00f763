// Who is online across instances. Each instance keeps its own sockets'
// counts (LocalPresence) and mirrors them into Redis: a hash per instance
// (user -> sockets there) and a sorted set of live instances, each scored
// with the time its last heartbeat is good until. A user is online while
// any live instance counts a socket of theirs; an instance that dies stops
// beating and drops out one TTL later, its sockets with it. The heartbeat
// rewrites the instance's whole hash, so counts missed while Redis was down
// are right again one beat after it is back. While Redis is down, answers
// are this instance's own.
//
// The scripts read keys they are not handed (each live instance's hash):
// fine on one Redis server (or Sentinel), not on Redis Cluster.
import { LocalPresence, type PresenceRegistry, type PresenceStatus } from '../core/presence.js';
import type { Logger } from '../shared/logger.js';
import type { RedisLink } from './redis-link.js';

export interface RedisPresenceOptions {
  instance: string;
  /** a heartbeat every beatMs; an instance silent for 3 beats is gone */
  beatMs: number;
  now?: () => number;
}

// KEYS: live instances, this instance's hash, last seen. ARGV: instance, user, sockets here,
// now, ttl, the prefix of instance hashes. Returns the user's sockets on all live instances.
const SET_COUNT = `
redis.call('ZADD', KEYS[1], ARGV[4] + ARGV[5], ARGV[1])
if tonumber(ARGV[3]) > 0 then redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) else redis.call('HDEL', KEYS[2], ARGV[2]) end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local total = 0
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[4], '+inf')) do
  total = total + tonumber(redis.call('HGET', ARGV[6] .. inst, ARGV[2]) or '0')
end
if total == 0 then redis.call('HSET', KEYS[3], ARGV[2], ARGV[4]) end
return total`;

// KEYS: live instances, last seen. ARGV: now, the prefix of instance hashes, user ids...
// Returns, per user, the sockets on live instances and the last-seen time ('' when never).
const STATUS = `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local out = {}
for i = 3, #ARGV do
  local total = 0
  for _, inst in ipairs(live) do total = total + tonumber(redis.call('HGET', ARGV[2] .. inst, ARGV[i]) or '0') end
  table.insert(out, total)
  table.insert(out, redis.call('HGET', KEYS[2], ARGV[i]) or '')
end
return out`;

export class RedisPresence implements PresenceRegistry {
  private readonly local: LocalPresence;
  private readonly counts = new Map<number, number>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly link: Pick<RedisLink, 'command' | 'key'>,
    private readonly opts: RedisPresenceOptions,
    private readonly log: Logger,
  ) {
    this.now = opts.now ?? Date.now;
    this.local = new LocalPresence(() => new Date(this.now()));
  }

  /** Starts the heartbeat. */
  start(): void {
    this.timer = setInterval(() => void this.beat(), this.opts.beatMs);
    this.timer.unref();
    void this.beat();
  }

  async socketOpened(userId: number): Promise<boolean> {
    const first = await this.local.socketOpened(userId);
    const here = this.bump(userId, 1);
    const total = await this.shared(() => this.setCount(userId, here, this.now()));
    return total === null ? first : total === 1;
  }

  async socketClosed(userId: number): Promise<Date | null> {
    const last = await this.local.socketClosed(userId);
    const here = this.bump(userId, -1);
    const at = this.now();
    const total = await this.shared(() => this.setCount(userId, here, at));
    if (total === null) return last;
    // The time the script recorded as last seen.
    return total === 0 ? new Date(at) : null;
  }

  async statusOf(userIds: readonly number[]): Promise<Map<number, PresenceStatus>> {
    if (userIds.length === 0) return new Map();
    const answer = await this.shared(async () => {
      const keys = [this.link.key('presence', 'instances'), this.link.key('presence', 'seen')];
      return (await this.link.command.eval(STATUS, 2, ...keys, this.now(), this.instancePrefix(), ...userIds)) as Array<number | string>;
    });
    if (!answer) return this.local.statusOf(userIds);
    const out = new Map<number, PresenceStatus>();
    userIds.forEach((id, i) => {
      const online = Number(answer[2 * i]) > 0;
      const seen = answer[2 * i + 1];
      out.set(id, { online, lastSeenAt: online || !seen ? null : new Date(Number(seen)) });
    });
    return out;
  }

  /** The heartbeat: this instance is alive until now + 3 beats, with exactly these sockets. */
  async beat(): Promise<void> {
    const ttl = this.ttl();
    const mine = this.instanceKey(this.opts.instance);
    const tx = this.link.command.multi().del(mine);
    if (this.counts.size > 0) tx.hset(mine, Object.fromEntries(this.counts)).pexpire(mine, ttl);
    tx.zadd(this.link.key('presence', 'instances'), this.now() + ttl, this.opts.instance);
    // Instances silent for longer are gone (their hashes expire by themselves).
    tx.zremrangebyscore(this.link.key('presence', 'instances'), '-inf', this.now() - ttl);
    await this.shared(() => tx.exec());
  }

  /** Stops beating and takes this instance's sockets out at once (a clean stop). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.shared(() =>
      this.link.command.multi().del(this.instanceKey(this.opts.instance)).zrem(this.link.key('presence', 'instances'), this.opts.instance).exec(),
    );
  }

  private setCount(userId: number, here: number, now: number): Promise<number> {
    const keys = [this.link.key('presence', 'instances'), this.instanceKey(this.opts.instance), this.link.key('presence', 'seen')];
    return this.link.command.eval(SET_COUNT, 3, ...keys, this.opts.instance, userId, here, now, this.ttl(), this.instancePrefix()) as Promise<number>;
  }

  private bump(userId: number, by: number): number {
    const n = Math.max(0, (this.counts.get(userId) ?? 0) + by);
    if (n > 0) this.counts.set(userId, n);
    else this.counts.delete(userId);
    return n;
  }

  /** Runs a Redis step; null when Redis could not answer (the caller uses this instance's view). */
  private async shared<T>(step: () => Promise<T>): Promise<T | null> {
    try {
      const value = await step();
      this.failing = false;
      return value;
    } catch (err) {
      if (!this.failing) this.log.warn({ err: (err as Error).message }, 'shared presence unavailable; answering from this instance');
      this.failing = true;
      return null;
    }
  }

  private ttl(): number {
    return 3 * this.opts.beatMs;
  }

  private instancePrefix(): string {
    return `${this.link.key('presence', 'sockets')}:`;
  }

  private instanceKey(instance: string): string {
    return this.instancePrefix() + instance;
  }
}
