// Messages between the main thread and the ingest database worker.
import type { NewMessageCopy, NewOutbound, StoredCopy } from './message-store.js';

export interface WorkerOptions {
  filePath: string;
  busyTimeoutMs: number;
}

export interface DeliveryRows {
  copies: NewMessageCopy[];
  outbound?: NewOutbound | null;
}

export interface CommittedRows {
  copies: StoredCopy[];
  outboundId: number | null;
}

export interface CommitRequest {
  id: number;
  now: Date;
  deliveries: DeliveryRows[];
}
