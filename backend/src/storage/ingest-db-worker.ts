// Runs in a worker thread: commits batches of deliveries on its own SQLite
// connection. A commit with synchronous=FULL waits for an fsync; here that
// wait blocks this thread, not the one serving SMTP, HTTP and sockets.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveRequests, workerOptions } from '../shared/worker-rpc.js';
import { insertMessageCopies, insertOutbound } from './message-store.js';
import type { CommitRequest, WorkerOptions } from './ingest-db-protocol.js';

const options = workerOptions<WorkerOptions>();
const db = new Database(options.filePath, { timeout: options.busyTimeoutMs });
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');

/** The request arrives as JSON: dates come back as strings. */
function revive(json: unknown): CommitRequest {
  const request = JSON.parse(String(json)) as CommitRequest;
  request.now = new Date(request.now);
  for (const d of request.deliveries) {
    for (const c of d.copies) {
      c.sentAt = new Date(c.sentAt);
      c.createdAt = new Date(c.createdAt);
    }
  }
  return request;
}

function commit(request: CommitRequest) {
  return db
    .transaction(() =>
      request.deliveries.map((d) => ({
        copies: insertMessageCopies(db, d.copies),
        outboundId: d.outbound ? insertOutbound(db, d.outbound, request.now) : null,
      })),
    )
    .immediate();
}

serveRequests(parentPort!, revive, commit, () => db.close());
