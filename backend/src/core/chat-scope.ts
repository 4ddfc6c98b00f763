// Who shares a conversation with whom. Two users share a message when both
// hold a copy of it (the same Message-ID) and its From/To/Cc name both of
// them: a mailing-list post both received, or a Message-ID someone copied
// into their own mail, shares nothing. Everything the chat tells one user
// about another (typing, presence, read ticks) is scoped by this rule.
import type { ChatStore } from '../storage/mail-store.js';
import type { SharedCopyRecord } from '../storage/records.js';

/** Whether a shared copy names both users (addresses compared without case). */
export function namesBoth(copy: Pick<SharedCopyRecord, 'fromEmail' | 'to' | 'cc'>, a: string, b: string): boolean {
  const people = new Set([copy.fromEmail, ...copy.to.map((x) => x.address), ...copy.cc.map((x) => x.address)].map((x) => x.toLowerCase()));
  return people.has(a.toLowerCase()) && people.has(b.toLowerCase());
}

/** A map with a time to live, for answers that new mail invalidates (and that are cheap to ask again). */
class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  constructor(private readonly ttlMs: number, private readonly max: number, private readonly now: () => number) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e || e.until <= this.now()) return undefined;
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  deleteWhere(test: (key: K) => boolean): void {
    for (const key of this.entries.keys()) if (test(key)) this.entries.delete(key);
  }
}

export interface ThreadCopy {
  userId: number;
  threadId: number;
}

export class ChatScope {
  private readonly peers: ExpiringCache<number, readonly number[]>;
  private readonly copies: ExpiringCache<string, readonly ThreadCopy[]>;

  constructor(
    private readonly store: Pick<ChatStore, 'copiesOfThread' | 'copiesOfMailbox'>,
    now: () => number = Date.now,
    ttlMs = 5 * 60_000,
  ) {
    this.peers = new ExpiringCache(ttlMs, 10_000, now);
    this.copies = new ExpiringCache(ttlMs, 20_000, now);
  }

  /** Local users who share at least one message with the user. */
  async peersOf(user: { id: number; email: string }): Promise<readonly number[]> {
    const cached = this.peers.get(user.id);
    if (cached) return cached;
    const rows = await this.store.copiesOfMailbox(user.id);
    const ids = [...new Set(rows.filter((r) => namesBoth(r, user.email, r.email)).map((r) => r.userId))];
    this.peers.set(user.id, ids);
    return ids;
  }

  /** The other local users' threads holding this conversation of the user (their own thread ids). */
  async copiesOf(user: { id: number; email: string }, threadId: number): Promise<readonly ThreadCopy[]> {
    const key = `${user.id}:${threadId}`;
    const cached = this.copies.get(key);
    if (cached) return cached;
    const rows = await this.store.copiesOfThread(user.id, threadId);
    const seen = new Map<string, ThreadCopy>();
    for (const r of rows) if (namesBoth(r, user.email, r.email)) seen.set(`${r.userId}:${r.threadId}`, { userId: r.userId, threadId: r.threadId });
    const list = [...seen.values()];
    this.copies.set(key, list);
    return list;
  }

  /** A copy was stored for or removed from these users: what was known about them may have changed. */
  forget(userIds: readonly number[]): void {
    const ids = new Set(userIds);
    this.peers.deleteWhere((id) => ids.has(id));
    this.copies.deleteWhere((key) => ids.has(Number(key.slice(0, key.indexOf(':')))));
  }
}
