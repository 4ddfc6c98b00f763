// Who is online: a user is while any socket of theirs is connected. The
// registry is a port so that, with several instances, a Redis-backed one can
// count sockets across all of them (per-instance counts in a hash, last seen
// in a key); this one counts the sockets of this process.

export interface PresenceStatus {
  online: boolean;
  /** when the user's last socket closed; null while online or never seen since the start */
  lastSeenAt: Date | null;
}

export interface PresenceRegistry {
  /** a socket of the user connected; true when that made them online */
  socketOpened(userId: number): Promise<boolean>;
  /** a socket of the user closed; the time they went offline when it was their last, else null */
  socketClosed(userId: number): Promise<Date | null>;
  statusOf(userIds: readonly number[]): Promise<Map<number, PresenceStatus>>;
}

export class LocalPresence implements PresenceRegistry {
  private readonly sockets = new Map<number, number>();
  private readonly lastSeen = new Map<number, Date>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async socketOpened(userId: number): Promise<boolean> {
    const count = (this.sockets.get(userId) ?? 0) + 1;
    this.sockets.set(userId, count);
    return count === 1;
  }

  async socketClosed(userId: number): Promise<Date | null> {
    const count = (this.sockets.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return null;
    }
    // A close without an open (it cannot happen, but counts must never go negative).
    if (!this.sockets.delete(userId)) return null;
    const at = this.now();
    this.lastSeen.set(userId, at);
    return at;
  }

  async statusOf(userIds: readonly number[]): Promise<Map<number, PresenceStatus>> {
    const out = new Map<number, PresenceStatus>();
    for (const id of userIds) {
      const online = (this.sockets.get(id) ?? 0) > 0;
      out.set(id, { online, lastSeenAt: online ? null : (this.lastSeen.get(id) ?? null) });
    }
    return out;
  }
}
