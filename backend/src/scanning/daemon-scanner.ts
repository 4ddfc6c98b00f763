// The ContentScanner over spamd and clamd: both asked at once, a virus found
// calls the spam check off (the message is refused either way), and a
// failure of either scanner fails the scan, unless clamd has found a virus:
// a permanent answer is better than a retry.
import { ClamdClient, type ClamdOptions } from './clamd-client.js';
import type { ContentScanner, LearnAnswer, LearnClass, ScanVerdict, ScannerName, ScannerStatus, SpamVerdict, VirusVerdict } from './scan-verdict.js';
import { scannerFailureOf } from './scanner-failure.js';
import { SpamdClient, type SpamdOptions } from './spamd-client.js';

export interface DaemonScannerOptions {
  /** null: SpamAssassin is off */
  spamd: (SpamdOptions & { maxBytes: number }) | null;
  /** null: ClamAV is off */
  clamd: (ClamdOptions & { maxBytes: number }) | null;
}

export class DaemonScanner implements ContentScanner {
  readonly enabled: readonly ScannerName[];
  private readonly spamd: SpamdClient | null;
  private readonly clamd: ClamdClient | null;

  constructor(private readonly options: DaemonScannerOptions) {
    this.spamd = options.spamd ? new SpamdClient(options.spamd) : null;
    this.clamd = options.clamd ? new ClamdClient(options.clamd) : null;
    this.enabled = [...(this.spamd ? ['spamassassin' as const] : []), ...(this.clamd ? ['clamav' as const] : [])];
  }

  async scan(raw: Buffer, signal?: AbortSignal): Promise<ScanVerdict> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) stop.abort();
    try {
      const virusCheck: Promise<VirusVerdict | null> =
        this.clamd && raw.length <= this.options.clamd!.maxBytes
          ? this.clamd.scan(raw, stop.signal).then(
              (v) => {
                if (v.infected) stop.abort();
                return v;
              },
              (err: unknown) => {
                // The scan fails now whatever spamd says.
                stop.abort();
                throw err;
              },
            )
          : Promise.resolve(null);
      // Messages over the cap are not sent to spamd, as spamc does (its -s).
      const spamCheck: Promise<SpamVerdict | null> =
        this.spamd && raw.length <= this.options.spamd!.maxBytes ? this.spamd.check(raw, stop.signal) : Promise.resolve(null);
      const [virus, spam] = await Promise.allSettled([virusCheck, spamCheck]);
      if (virus.status === 'fulfilled' && virus.value?.infected) return { virus: virus.value, spam: null };
      if (virus.status === 'rejected') throw virus.reason;
      if (spam.status === 'rejected') throw spam.reason;
      return { virus: virus.value, spam: spam.value };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async probe(signal?: AbortSignal): Promise<ScannerStatus[]> {
    const pings: Array<[ScannerName, Promise<void>]> = [];
    if (this.spamd) pings.push(['spamassassin', this.spamd.ping(signal)]);
    if (this.clamd) pings.push(['clamav', this.clamd.ping(signal)]);
    const results = await Promise.allSettled(pings.map(([, p]) => p));
    return results.map((r, i) => {
      const scanner = pings[i]![0];
      if (r.status === 'fulfilled') return { scanner, up: true };
      return { scanner, up: false, error: scannerFailureOf(r.reason)?.detail ?? String(r.reason) };
    });
  }

  async learn(raw: Buffer, as: LearnClass): Promise<LearnAnswer | null> {
    if (!this.spamd || raw.length > this.options.spamd!.maxBytes) return null;
    return this.spamd.learn(raw, as);
  }
}
