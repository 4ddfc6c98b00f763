// What crosses between the main thread and the search thread.
import type { SearchSpec } from '../../mail-store.js';

export interface SearchThreadOptions {
  filePath: string;
  busyTimeoutMs: number;
}

export interface SearchRequest {
  id: number;
  userId: number;
  spec: SearchSpec;
  offset: number;
  limit: number;
}
