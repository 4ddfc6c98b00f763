// A search thread for the SearchRunner tests: a search whose MATCH is "SPIN"
// computes forever (a statement that never returns, which only ending its
// thread stops); any other answers at once with no hits.
import { parentPort } from 'node:worker_threads';
import { serveRequests } from '../../src/shared/worker-rpc.js';
import type { SearchRequest } from '../../src/storage/sqlite/search/search-protocol.js';

serveRequests(parentPort!, (message) => message as SearchRequest, ({ spec, userId }) => {
  if (spec.fts5Match === 'SPIN') for (;;);
  return { hits: [], more: userId > 0 };
});
