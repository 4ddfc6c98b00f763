// The main thread's side of the ingest database worker: sends a batch,
// resolves when it is committed (see ingest-db-worker.ts for why a worker).
import { WorkerRpc } from '../shared/worker-rpc.js';
import type { CommittedRows, DeliveryRows, WorkerOptions } from './ingest-db-protocol.js';

export class IngestDb {
  private readonly rpc: WorkerRpc;

  constructor(options: WorkerOptions) {
    this.rpc = new WorkerRpc(new URL('./ingest-db-worker.ts', import.meta.url), options);
  }

  commit(deliveries: DeliveryRows[]): Promise<CommittedRows[]> {
    // One JSON string clones far faster than the object graph (bodies included).
    return this.rpc.call((id) => JSON.stringify({ id, now: new Date(), deliveries }));
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
