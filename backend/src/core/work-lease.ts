// The leases of the work this instance holds (queue rows, webhook
// deliveries). A claim holds a row for one lease; while the row is being
// worked on, the lease is renewed every third of its length, so a live
// instance keeps its rows however long a relay takes, and the rows of an
// instance that died are free to others one lease after its last renewal.
import type { Logger } from '../shared/logger.js';
import type { Lease } from '../storage/mail-store.js';

export interface LeaseSettings {
  /** this instance */
  owner: string;
  ms: number;
}

type Renew = (ids: readonly number[], lease: Lease) => Promise<number[]>;

export class WorkLeases {
  private readonly held = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly settings: LeaseSettings,
    private readonly renew: Renew,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A lease from now, for a claim. */
  lease(): Lease {
    return { owner: this.settings.owner, until: new Date(this.now() + this.settings.ms) };
  }

  hold(ids: Iterable<number>): void {
    for (const id of ids) this.held.add(id);
    if (!this.timer && this.held.size > 0) {
      this.timer = setInterval(() => void this.renewHeld(), Math.max(1, Math.floor(this.settings.ms / 3)));
      this.timer.unref();
    }
  }

  letGo(id: number): void {
    this.held.delete(id);
    if (this.held.size === 0) this.stopTimer();
  }

  /** Renews every held lease now (the timer calls it; tests may too). */
  renewHeld(): Promise<void> {
    if (this.renewing || this.held.size === 0) return this.renewing ?? Promise.resolve();
    const ids = [...this.held];
    this.renewing = this.renew(ids, this.lease())
      .then((kept) => {
        const lost = ids.filter((id) => !kept.includes(id) && this.held.has(id));
        // Finished meanwhile, or taken over after this instance missed its renewals (a stall longer than the lease).
        if (lost.length > 0) this.log.warn({ ids: lost }, 'work leases no longer held');
      })
      .catch((err) => this.log.warn({ err }, 'could not renew work leases; retrying'))
      .finally(() => (this.renewing = null));
    return this.renewing;
  }

  async stop(): Promise<void> {
    this.stopTimer();
    await this.renewing;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
