// Request/response over a worker thread. The worker is started on first use
// and again after a crash; a crash fails only the requests in flight.
// Requests carry an id; the worker answers { id, ok, value | error }.
//
// Both directions are batched per turn of the event loop: the requests (and
// answers) made during one turn cross as one message. Each postMessage wakes
// the other thread with a system call, and with twenty SMTP sessions one
// postMessage per stored blob was the main thread's largest single cost.
import { setFlagsFromString } from 'node:v8';
import { Worker, workerData as currentWorkerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';

export type WorkerReply<T> = { id: number; ok: true; value: T } | { id: number; ok: false; error: { message: string; code: string | null } };

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A worker module beside `from` (an import.meta.url): .ts from sources, .js from the build. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/** In a worker module: the data its WorkerRpc was created with. */
export function workerOptions<T>(): T {
  return (currentWorkerData as { data: T }).data;
}

export class WorkerCallError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  /** the worker the request went to: only its failure fails the request */
  worker: Worker;
}

export class WorkerRpc {
  private worker: Worker | null = null;
  /** settles once the current worker has loaded its module and serves requests */
  private started: Promise<void> = Promise.resolve();
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private readonly outbox = new Outbox(
    (batch, transfer) => this.worker?.postMessage(batch, transfer),
    (batch, err) => {
      for (const request of batch as Array<{ id: number }>) {
        this.waiting.get(request.id)?.reject(err instanceof Error ? err : new Error(String(err)));
        this.waiting.delete(request.id);
      }
    },
  );

  /** module: the worker's module; data: what workerOptions() returns there */
  constructor(
    private readonly module: URL,
    private readonly data: unknown,
    private readonly limits?: ResourceLimits,
  ) {}

  /** Sends `payload` (its id is added) and resolves with the worker's value; `transfer` moves buffers instead of copying. */
  call<T>(payload: (id: number) => unknown, transfer?: readonly ArrayBuffer[]): Promise<T> {
    // A request that comes after close (work that outlived a shutdown) must not start a new worker.
    if (this.closed) return Promise.reject(new WorkerCallError('the worker was closed', 'worker_closed'));
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, worker });
      // Keep the process alive while an answer is due; an idle worker must not.
      worker.ref();
      this.outbox.add(payload(id), transfer);
    });
  }

  /** Asks the worker to finish ('close' message), then makes sure it is gone. */
  async close(): Promise<void> {
    this.closed = true;
    this.outbox.flushNow(); // requests made this turn go before the close
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // the process waits for the worker to finish
    worker.postMessage('close');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await worker.terminate();
  }

  /**
   * Resolves once the worker that the next call goes to serves requests
   * (starting one if needed): a deadline should not count a thread's start-up.
   */
  ready(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ensureWorker();
    return this.started;
  }

  /**
   * Ends the worker now, whatever it is doing (a task that never finishes):
   * its requests in flight fail with `reason`, and the next call starts a
   * fresh worker.
   */
  terminate(reason: Error): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.outbox.clear();
    this.failRequestsOf(worker, reason);
    void worker.terminate();
  }

  private failRequestsOf(worker: Worker, err: Error): void {
    for (const [id, w] of this.waiting) {
      if (w.worker !== worker) continue;
      this.waiting.delete(id);
      w.reject(err);
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Only the parent's --cpu-prof flags are passed on (each thread then writes
    // its own profile): the entry registers the TypeScript loader itself, and
    // inheriting the parent's --import tsx as well would load it twice.
    const execArgv = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
    useOwnYoungGeneration();
    const worker = new Worker(ENTRY, { workerData: { module: this.module.href, data: this.data }, execArgv, resourceLimits: { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB, ...this.limits } });
    let markStarted!: () => void;
    this.started = new Promise<void>((resolve) => (markStarted = resolve));
    worker.on('message', (replies: WorkerReply<unknown>[] | 'ready') => {
      if (replies === 'ready') return markStarted();
      for (const reply of replies) {
        const waiter = this.waiting.get(reply.id);
        if (!waiter) continue;
        this.waiting.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.value);
        else waiter.reject(new WorkerCallError(reply.error.message, reply.error.code));
      }
      if (this.waiting.size === 0) worker.unref();
    });
    const fail = (err: Error) => {
      markStarted(); // a worker that died while starting is not waited for
      if (this.worker === worker) {
        this.worker = null;
        this.outbox.clear(); // their callers are rejected just below
      }
      this.failRequestsOf(worker, err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new WorkerCallError(`worker ${this.module.pathname} exited (${code})`, null)));
    this.worker = worker;
    return worker;
  }
}

/**
 * A worker's young generation unless it asks for another: the 8 MB
 * semi-space `npm start` gives the main thread. V8's own default would
 * reserve tens of MB that a thread allocating little never needs.
 */
const DEFAULT_YOUNG_GENERATION_MB = 24;

/**
 * `--max-semi-space-size` on the command line sizes the main thread's young
 * generation, but V8 would apply it to every isolate created later too,
 * overriding each worker's `maxYoungGenerationSizeMb`. Clearing it once the
 * main isolate exists lets each worker size its own: small mail's parse
 * thread needs a larger one than the main thread can afford (parse-pool.ts).
 */
function useOwnYoungGeneration(): void {
  setFlagsFromString('--max-semi-space-size=0');
}

/** Can `bytes` move to another thread without taking anything else with it? */
export function ownsWholeBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
}

export interface ServeOptions {
  /** runs when the main thread asks the worker to close */
  onClose?: () => void;
  /** buffers of an answer to move rather than copy (each must own its whole memory) */
  transferOf?: (value: unknown) => ArrayBuffer[];
}

/** The worker side: answers each request with handle's value or error. */
export function serveRequests<Req extends { id: number }>(
  port: MessagePort,
  decode: (message: unknown) => Req,
  handle: (request: Req) => unknown | Promise<unknown>,
  { onClose = () => undefined, transferOf }: ServeOptions = {},
): void {
  const replies = new Outbox(
    (batch, transfer) => port.postMessage(batch, transfer),
    // One answer that cannot be cloned must not take the others with it.
    (batch) => {
      for (const reply of batch as Array<WorkerReply<unknown>>) {
        try {
          port.postMessage([reply]);
        } catch (err) {
          port.postMessage([{ id: reply.id, ok: false, error: { message: `answer not sendable: ${String(err)}`, code: null } }]);
        }
      }
    },
  );
  const answer = async (message: unknown) => {
    const request = decode(message);
    try {
      const value = await handle(request);
      replies.add({ id: request.id, ok: true, value }, transferOf?.(value));
    } catch (err) {
      const e = err as { message?: string; code?: string };
      replies.add({ id: request.id, ok: false, error: { message: e.message ?? String(err), code: e.code ?? null } });
    }
  };
  port.postMessage('ready');
  port.on('message', (message: unknown) => {
    if (message === 'close') {
      replies.flushNow();
      onClose();
      port.close();
      return;
    }
    for (const request of message as unknown[]) void answer(request);
  });
}

/** Messages gathered during one turn of the event loop and posted together at its end. */
class Outbox {
  private batch: unknown[] = [];
  private transfer = new Set<ArrayBuffer>();
  private scheduled = false;

  /** onPostError: the batch could not be posted (a value that cannot be cloned); nothing of it was sent */
  constructor(
    private readonly post: (batch: unknown[], transfer: ArrayBuffer[]) => void,
    private readonly onPostError: (batch: unknown[], err: unknown) => void,
  ) {}

  add(message: unknown, transfer?: readonly ArrayBuffer[]): void {
    this.batch.push(message);
    for (const b of transfer ?? []) this.transfer.add(b);
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after this turn's I/O callbacks: every session whose
      // data arrived in this turn shares the one message.
      setImmediate(() => this.flushNow());
    }
  }

  flushNow(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const transfer = [...this.transfer];
    this.clear();
    try {
      this.post(batch, transfer);
    } catch (err) {
      this.onPostError(batch, err);
    }
  }

  clear(): void {
    this.batch = [];
    this.transfer.clear();
  }
}
