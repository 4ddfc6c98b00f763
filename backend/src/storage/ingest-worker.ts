// The main thread's side of the ingest worker (ingest-worker-thread.ts): blob
// writes and batch commits happen there, off the thread that serves SMTP,
// HTTP and sockets.
import { siblingModule, WorkerRpc } from '../shared/worker-rpc.js';
import type { StoredBlob } from './blob-files.js';
import type { CommitBody, CommittedRows, DeliveryRows, IngestRequest, WorkerOptions } from './ingest-worker-protocol.js';

type Body<K extends IngestRequest['kind']> = Omit<Extract<IngestRequest, { kind: K }>, 'id'>;

export class IngestWorker {
  private readonly rpc: WorkerRpc;

  constructor(options: WorkerOptions) {
    this.rpc = new WorkerRpc(siblingModule('ingest-worker-thread', import.meta.url), options);
  }

  /** Stores the blobs durably, pinned until their delivery is committed or discarded. */
  putBlobs(blobs: readonly Uint8Array[]): Promise<StoredBlob[]> {
    // Each blob travels as its own exact-size copy, moved rather than cloned: a
    // clone would carry the whole backing store of a view into a larger buffer.
    const copies = blobs.map((b) => new Uint8Array(b));
    return this.send({ kind: 'putBlobs', blobs: copies }, copies.map((c) => c.buffer));
  }

  commit(deliveries: DeliveryRows[]): Promise<CommittedRows[]> {
    const body: CommitBody = { now: new Date(), deliveries };
    return this.send({ kind: 'commit', json: JSON.stringify(body) });
  }

  discard(pinned: string[], created: string[]): Promise<string[]> {
    return this.send({ kind: 'discard', pinned, created });
  }

  removeBlobs(hashes: string[]): Promise<string[]> {
    return this.send({ kind: 'removeBlobs', hashes });
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  private send<T, K extends IngestRequest['kind']>(body: Body<K> & { kind: K }, transfer?: ArrayBuffer[]): Promise<T> {
    return this.rpc.call<T>((id) => ({ id, ...body }), transfer);
  }
}
