// The main thread's side of the search thread (search-thread.ts). Searches go
// to it one at a time, each with a deadline for its own run: past it the
// thread is ended (better-sqlite3 cannot interrupt a statement; a thread can
// be dropped) and the next search gets a fresh one. One at a time costs
// nothing: the thread runs its statements one after another anyway.
import { siblingModule, WorkerCallError, WorkerRpc } from '../../../shared/worker-rpc.js';
import { SearchTimedOut, type SearchHitRecord, type SearchSpec } from '../../mail-store.js';
import type { SearchThreadOptions } from './search-protocol.js';

export type SearchAnswer = { hits: SearchHitRecord[]; more: boolean };

export class SearchRunner {
  private readonly rpc: WorkerRpc;
  /** settles when the search in progress (if any) has */
  private previous: Promise<unknown> = Promise.resolve();

  /** `module`: the thread's module (tests give one of their own) */
  constructor(
    options: SearchThreadOptions,
    private readonly timeoutMs: number,
    module: URL = siblingModule('search-thread', import.meta.url),
  ) {
    this.rpc = new WorkerRpc(module, options);
  }

  search(userId: number, spec: SearchSpec, offset: number, limit: number): Promise<SearchAnswer> {
    const run = this.previous.then(() => this.run(userId, spec, offset, limit));
    this.previous = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  private async run(userId: number, spec: SearchSpec, offset: number, limit: number): Promise<SearchAnswer> {
    // The deadline counts from when the thread serves requests, not from its start-up.
    await this.rpc.ready();
    let overran = false;
    const timer = setTimeout(() => {
      overran = true;
      this.rpc.terminate(new WorkerCallError('search stopped at its deadline', 'search_timeout'));
    }, this.timeoutMs);
    timer.unref();
    try {
      return await this.rpc.call<SearchAnswer>((id) => ({ id, userId, spec, offset, limit }));
    } catch (err) {
      if (overran) throw new SearchTimedOut(`the search ran past ${this.timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
