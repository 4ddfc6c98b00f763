// The storage contract on the SQLite engine, on a throwaway data directory.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { describeMailStoreContract } from './mail-store-contract.js';

describeMailStoreContract('sqlite', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-contract-'));
  const store = await openSqliteStore({
    filePath: path.join(dir, 'chitbox.db'), busyTimeoutMs: 5000, blobRoot: path.join(dir, 'blobs'), inlineMaxBytes: 64 * 1024, searchTimeoutMs: 10_000,
  });
  return {
    store,
    async dispose() {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});
