// HTML is sanitised once per message content, on a worker thread, never on
// the main thread per request: a 5 MB HTML mail read eight times at once is
// one sanitise on the worker, and /health and SMTP never wait for it.
// Results are kept by content key (a message's raw sha256: the same bytes
// give the same HTML) in a cache bounded in characters; concurrent asks for
// one key share a single sanitise. A sanitise running past its deadline ends
// the thread (a fresh one takes the next) and the message is served without
// HTML (its text part still shows).
import type { Logger } from '../../shared/logger.js';
import { siblingModule, WorkerRpc } from '../../shared/worker-rpc.js';
import { LruCache } from '../lru-cache.js';

export interface HtmlSanitizerOptions {
  /** a sanitise running longer is abandoned */
  timeoutMs: number;
  /** characters of sanitised HTML kept (default 32 Mi) */
  cacheChars?: number;
  log?: Pick<Logger, 'warn'>;
}

export interface HtmlSanitizer {
  /** The sanitised form of `html`, remembered under `contentKey`; '' when there is none. */
  sanitize(contentKey: string, html: string): Promise<string>;
  close(): Promise<void>;
}

class SanitizeAbandoned extends Error {}

export class WorkerHtmlSanitizer implements HtmlSanitizer {
  private readonly rpc: WorkerRpc;
  private readonly cache: LruCache<string, string>;
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly opts: HtmlSanitizerOptions) {
    this.rpc = new WorkerRpc(siblingModule('sanitize-thread', import.meta.url), {}, { maxOldGenerationSizeMb: 512 });
    this.cache = new LruCache(opts.cacheChars ?? 32 * 1024 * 1024, (s) => s.length);
  }

  sanitize(contentKey: string, html: string): Promise<string> {
    if (!html) return Promise.resolve('');
    const cached = this.cache.get(contentKey);
    if (cached !== undefined) return Promise.resolve(cached);
    let running = this.pending.get(contentKey);
    if (!running) {
      running = this.run(html).then((safe) => {
        // A failure is not remembered: the next view tries again.
        if (safe === null) return '';
        this.cache.set(contentKey, safe);
        return safe;
      }).finally(() => this.pending.delete(contentKey));
      this.pending.set(contentKey, running);
    }
    return running;
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  private async run(html: string): Promise<string | null> {
    let deadline: NodeJS.Timeout | undefined;
    let overran = false;
    let settled = false;
    const answer = this.rpc.call<string>((id) => ({ id, html }));
    // The deadline is for the sanitise, not for a fresh thread's start-up.
    void this.rpc.ready().then(() => {
      if (settled) return;
      deadline = setTimeout(() => {
        overran = true;
        this.rpc.terminate(new SanitizeAbandoned(`sanitising ran past ${this.opts.timeoutMs} ms`));
      }, this.opts.timeoutMs);
      deadline.unref();
    });
    try {
      return await answer;
    } catch (err) {
      // Never the unsanitised HTML: without a sanitised form, the message shows its text part.
      this.opts.log?.warn({ chars: html.length, overran, err: (err as Error).message }, 'HTML not sanitised: served without HTML');
      return null;
    } finally {
      settled = true;
      clearTimeout(deadline);
    }
  }
}
