// Bounds the message bytes held in memory by transfers still arriving or
// waiting to be stored. Past the limit, new data waits in the kernel's socket
// buffers (the sender is slowed by TCP flow control) instead of in this
// process: a hundred clients sending 25 MB each must not need 2.5 GB.
//
// Progress is guaranteed: the oldest transfer still arriving is never held
// back, and bytes of complete transfers are released once they are stored,
// so some transfer always moves and eventually frees its bytes.
export class ReceiveBudget {
  private used = 0;
  /** transfers still arriving, oldest first */
  private readonly arriving: Lease[] = [];

  constructor(readonly limitBytes: number) {}

  open(): Lease {
    const lease = new Lease(this);
    this.arriving.push(lease);
    return lease;
  }

  heldBytes(): number {
    return this.used;
  }

  /** @internal */
  add(bytes: number): void {
    this.used += bytes;
  }

  /** @internal whether this lease must wait before taking more */
  mustWait(lease: Lease): boolean {
    return this.used > this.limitBytes && this.arriving[0] !== lease;
  }

  /** @internal */
  finishArriving(lease: Lease): void {
    const i = this.arriving.indexOf(lease);
    if (i >= 0) this.arriving.splice(i, 1);
    this.wake();
  }

  /** @internal */
  release(bytes: number): void {
    this.used -= bytes;
    this.wake();
  }

  private wake(): void {
    // The head may always go on; the others once the bytes fit again.
    for (const lease of [...this.arriving]) if (!this.mustWait(lease)) lease.resume();
  }
}

/** One transfer's share of the budget. */
export class Lease {
  private bytes = 0;
  private arriving = true;
  private waiter: (() => void) | null = null;

  constructor(private readonly budget: ReceiveBudget) {}

  /** Counts bytes just received; resolves at once, or when the transfer may take more. */
  take(bytes: number): Promise<void> | null {
    this.bytes += bytes;
    this.budget.add(bytes);
    if (!this.budget.mustWait(this)) return null;
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** The transfer is complete (or abandoned): it no longer needs to receive. */
  doneArriving(): void {
    if (!this.arriving) return;
    this.arriving = false;
    this.resume();
    this.budget.finishArriving(this);
  }

  /** The bytes are stored or dropped. Safe to call more than once. */
  release(): void {
    this.doneArriving();
    const bytes = this.bytes;
    this.bytes = 0;
    if (bytes > 0) this.budget.release(bytes);
  }

  /** @internal */
  resume(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
