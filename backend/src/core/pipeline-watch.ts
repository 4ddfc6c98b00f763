// Which deliveries are in progress, and since when: the evidence /health uses
// to say mail intake is stuck. Each step has its own deadline (parsing, the
// database's busy timeout); a delivery older than all of them together means
// one of those guards failed, and operators should hear of it.
export class PipelineWatch {
  private readonly inFlight = new Set<{ since: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  async track<T>(work: () => Promise<T>): Promise<T> {
    const entry = { since: this.now() };
    this.inFlight.add(entry);
    try {
      return await work();
    } finally {
      this.inFlight.delete(entry);
    }
  }

  /** How many deliveries are in progress, and how long the oldest has been (ms; 0 when none). */
  status(): { inFlight: number; oldestMs: number } {
    let oldest = Infinity;
    for (const e of this.inFlight) oldest = Math.min(oldest, e.since);
    return { inFlight: this.inFlight.size, oldestMs: this.inFlight.size === 0 ? 0 : Math.round(this.now() - oldest) };
  }
}
