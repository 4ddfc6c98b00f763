// When the ingest thread indexes the search entries of new mail that wait in
// its queue (ingest-worker/search-index-queue.ts): at once before a word
// search, so a search finds all mail already acknowledged, and a moment after
// a delivery otherwise, so the batch gathers the deliveries of that moment.

/** How long new entries may wait for company when no search asks for them. */
export const SEARCH_FLUSH_DELAY_MS = 1000;

export class SearchFlush {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
    private readonly delayMs = SEARCH_FLUSH_DELAY_MS,
  ) {}

  /** New entries wait: index them within delayMs. */
  soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(this.onError);
    }, this.delayMs);
    this.timer.unref();
  }

  /** Resolves once everything committed so far is indexed. */
  now(): Promise<void> {
    this.cancel();
    return this.flush();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
