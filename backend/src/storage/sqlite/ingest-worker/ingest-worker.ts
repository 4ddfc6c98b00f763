// The main thread's side of the ingest worker (ingest-worker-thread.ts): blob
// writes and batch commits happen there, off the thread that serves SMTP,
// HTTP and sockets.
import { ownsWholeBuffer, siblingModule, WorkerRpc } from '../../../shared/worker-rpc.js';
import type { BlobInput, StoredBlob } from './blob-files.js';
import { encodeCommit } from './ingest-worker-protocol.js';
import type { CommittedRows, DeliveryRows, IngestRequest, NewStatus, WorkerOptions } from './ingest-worker-protocol.js';

type Body<K extends IngestRequest['kind']> = Omit<Extract<IngestRequest, { kind: K }>, 'id'>;

export class IngestWorker {
  private readonly rpc: WorkerRpc;

  constructor(options: WorkerOptions) {
    this.rpc = new WorkerRpc(siblingModule('ingest-worker-thread', import.meta.url), options);
  }

  /**
   * Stores the blobs durably, pinned until their delivery is committed or
   * discarded. With `move`, a buffer that owns all of its memory is handed
   * over and left empty here.
   */
  putBlobs(inputs: readonly BlobInput[], move = false): Promise<StoredBlob[]> {
    const transfer: ArrayBuffer[] = [];
    const hashes = inputs.map((input) => (input instanceof Uint8Array ? null : input.sha256));
    const sent = inputs.map((input) => {
      const b = input instanceof Uint8Array ? input : input.bytes;
      // Shared memory crosses threads as it is.
      if (b.buffer instanceof SharedArrayBuffer) return b;
      if (move && ownsWholeBuffer(b)) {
        transfer.push(b.buffer as ArrayBuffer);
        return b;
      }
      // Anything else goes as an exact-size copy, moved: a clone would carry the
      // whole memory behind a view into a larger buffer.
      const copy = new Uint8Array(b);
      transfer.push(copy.buffer);
      return copy;
    });
    return this.send({ kind: 'putBlobs', blobs: sent, hashes }, transfer);
  }

  /** Sent at once: the worker thread batches the deliveries that reach it during a commit (storage/group-commit.ts). */
  async commit(delivery: DeliveryRows): Promise<CommittedRows> {
    const { json, texts, contents } = encodeCommit({ now: new Date(), deliveries: [delivery] });
    const [committed] = await this.send<CommittedRows[], 'commit'>({ kind: 'commit', json, texts, contents }, contents.map((c) => c.buffer as ArrayBuffer));
    return committed!;
  }

  /**
   * Here rather than on the main thread's Prisma connection: that commit's
   * fsync would stop the event loop just after the new mail was announced,
   * holding back the announcement's way out (the inbox server's proxy runs
   * on that loop too).
   */
  addStatuses(rows: NewStatus[]): Promise<void> {
    return this.send({ kind: 'addStatuses', rows });
  }

  discard(pinned: string[], created: string[]): Promise<string[]> {
    return this.send({ kind: 'discard', pinned, created });
  }

  removeBlobs(hashes: string[]): Promise<string[]> {
    return this.send({ kind: 'removeBlobs', hashes });
  }

  /** Resolves once every copy committed so far is in the search index. */
  flushSearch(): Promise<void> {
    return this.send({ kind: 'flushSearch' });
  }

  /** Starts the thread now rather than at the first delivery: it also checkpoints the main thread's writes. */
  ready(): Promise<void> {
    return this.rpc.ready();
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  private send<T, K extends IngestRequest['kind']>(body: Body<K> & { kind: K }, transfer?: ArrayBuffer[]): Promise<T> {
    return this.rpc.call<T>((id) => ({ id, ...body }), transfer);
  }
}
