// Request/response over a worker thread. The worker is started on first use
// and again after a crash; a crash fails only the requests in flight.
// Requests carry an id; the worker answers { id, ok, value | error }.
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
}

export class WorkerRpc {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();

  /** module: the worker's module; data: what workerOptions() returns there */
  constructor(
    private readonly module: URL,
    private readonly data: unknown,
    private readonly limits?: ResourceLimits,
  ) {}

  /** Sends `payload` (its id is added) and resolves with the worker's value; `transfer` moves buffers instead of copying. */
  call<T>(payload: (id: number) => unknown, transfer?: readonly ArrayBuffer[]): Promise<T> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Keep the process alive while an answer is due; an idle worker must not.
      worker.ref();
      worker.postMessage(payload(id), transfer);
    });
  }

  /** Asks the worker to finish ('close' message), then makes sure it is gone. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // the process waits for the worker to finish
    worker.postMessage('close');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // execArgv: [] — the entry registers the TypeScript loader itself; inheriting
    // the parent's --import tsx as well would load it twice.
    const worker = new Worker(ENTRY, { workerData: { module: this.module.href, data: this.data }, execArgv: [], resourceLimits: this.limits });
    worker.on('message', (reply: WorkerReply<unknown>) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new WorkerCallError(reply.error.message, reply.error.code));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new WorkerCallError(`worker ${this.module.pathname} exited (${code})`, null)));
    this.worker = worker;
    return worker;
  }
}

/** Can `bytes` move to another thread without taking anything else with it? */
export function ownsWholeBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
}

/** The worker side: answers each request with handle's value or error. */
export function serveRequests<Req extends { id: number }>(
  port: MessagePort,
  decode: (message: unknown) => Req,
  handle: (request: Req) => unknown | Promise<unknown>,
  onClose: () => void = () => undefined,
): void {
  port.on('message', async (message: unknown) => {
    if (message === 'close') {
      onClose();
      port.close();
      return;
    }
    const request = decode(message);
    try {
      const value = await handle(request);
      port.postMessage({ id: request.id, ok: true, value });
    } catch (err) {
      const e = err as { message?: string; code?: string };
      port.postMessage({ id: request.id, ok: false, error: { message: e.message ?? String(err), code: e.code ?? null } });
    }
  });
}
