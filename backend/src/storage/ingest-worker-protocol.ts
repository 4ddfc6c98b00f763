// Messages between the main thread and the ingest worker thread.
import type { NewMessageCopy, NewOutbound, StoredCopy } from './message-store.js';

export interface WorkerOptions {
  filePath: string;
  busyTimeoutMs: number;
  /** the blob store's root directory (DATA_DIR/blobs) */
  blobRoot: string;
}

export interface DeliveryRows {
  copies: NewMessageCopy[];
  outbound?: NewOutbound | null;
  /** blobs pinned by putBlobs for this delivery, released once it is committed */
  pinned?: string[];
}

export interface CommittedRows {
  copies: StoredCopy[];
  outboundId: number | null;
}

export interface CommitBody {
  now: Date;
  deliveries: DeliveryRows[];
}

export type IngestRequest =
  /** stores each blob durably and pins it; answers StoredBlob[] in order */
  | { id: number; kind: 'putBlobs'; blobs: Uint8Array[]; hashes: (string | null)[] }
  /** one transaction for all deliveries; answers CommittedRows[] in order. JSON: far cheaper to clone */
  | { id: number; kind: 'commit'; json: string }
  /** a delivery that will not be committed: unpins its blobs, removes those it created if unneeded */
  | { id: number; kind: 'discard'; pinned: string[]; created: string[] }
  /** removes the blobs no row references and no pending write needs; answers the hashes removed */
  | { id: number; kind: 'removeBlobs'; hashes: string[] };
