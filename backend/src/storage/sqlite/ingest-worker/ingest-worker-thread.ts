// Runs in a worker thread: writes blobs and commits batches of deliveries on
// its own SQLite connection, and their search entries in larger batches
// behind them (search-index-queue.ts). The syncs these need (a blob's
// fdatasync and directory fsync, the WAL fsync of a commit) wait here, not on
// the thread serving SMTP, HTTP and sockets. This thread is also the only one that
// creates or removes blob files, so the pins that keep a blob alive between
// its write and its commit need no locking.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveRequests, workerOptions } from '../../../shared/worker-rpc.js';
import { BlobFiles, type StoredBlob } from './blob-files.js';
import { blobReferenced, deleteSmallBlob, insertMessageCopies, insertOutbound, insertSmallBlobs, insertStatuses, type NewStatus } from './delivery-sql.js';
import { GroupCommit } from '../../group-commit.js';
import { SearchIndexQueue } from './search-index-queue.js';
import { CHECKPOINT_EVERY_MS, CHECKPOINT_PAGES } from '../checkpoints.js';
import { decodeCommit, type CommittedRows, type DeliveryRows, type EncodedCommit, type IngestRequest, type WorkerOptions } from './ingest-worker-protocol.js';

const options = workerOptions<WorkerOptions>();
const db = new Database(options.filePath, { timeout: options.busyTimeoutMs });
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
// This thread checkpoints for every connection (checkpoints.ts).
db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
const checkpoints = setInterval(checkpoint, options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS);
checkpoints.unref();
const blobs = new BlobFiles(options.blobRoot);
const search = new SearchIndexQueue(db);
// Before the first delivery: what an earlier process left unindexed goes to the search backfill.
search.markLeftovers();
const referenced = (sha: string) => blobReferenced(db, sha);

interface DatedDelivery {
  delivery: DeliveryRows;
  now: Date;
}

/** One transaction for a batch; the rows reference their blobs then, so the pins have done their job. */
function commitAll(batch: DatedDelivery[]): CommittedRows[] {
  const committed = search.inTransaction(() =>
    batch.map(({ delivery: d, now }) => {
      insertSmallBlobs(db, d.smallBlobs ?? []);
      const copies = insertMessageCopies(db, d.copies);
      if (d.searchText) search.add(copies.map((c) => c.id), d.searchText);
      return { copies, outboundId: d.outbound ? insertOutbound(db, d.outbound, now) : null };
    }),
  );
  for (const { delivery } of batch) delivery.pinned?.forEach((sha) => blobs.unpin(sha));
  // Still inside the main thread's write turn for this batch: it ends with the answer.
  if (search.full) writeSearchBatch();
  return committed;
}

const groupCommit = new GroupCommit<DatedDelivery, CommittedRows>(commitAll, ({ delivery }) => delivery.copies.length);

function commit(encoded: EncodedCommit): Promise<CommittedRows[]> {
  const { now, deliveries } = decodeCommit(encoded);
  return Promise.all(deliveries.map((delivery) => groupCommit.submit({ delivery, now })));
}

function addStatuses(rows: NewStatus[]): void {
  db.transaction(() => insertStatuses(db, rows)).immediate();
}

/** All or nothing: when one blob fails, the others this call created go again. */
async function putBlobs(bytes: Uint8Array[], hashes: (string | null)[]): Promise<StoredBlob[]> {
  const puts = bytes.map((b, i) => blobs.put(b, hashes[i]));
  // The bytes are in the page cache now. The request stays referenced until
  // it is answered, after the syncs; let go of the bytes now, so they are
  // not held through the syncs' waits too.
  bytes.length = 0;
  const results = await Promise.allSettled(puts);
  const failure = results.find((r) => r.status === 'rejected');
  if (!failure) return results.map((r) => (r as PromiseFulfilledResult<StoredBlob>).value);
  const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  discard(stored.map((b) => b.sha256), stored.filter((b) => b.created).map((b) => b.sha256));
  throw failure.reason;
}

function discard(pinned: string[], created: string[]): string[] {
  pinned.forEach((sha) => blobs.unpin(sha));
  return removeUnneeded(created);
}

/** Files and small-blob rows alike; on this thread, so no commit can slip in between check and removal. */
function removeUnneeded(hashes: string[]): string[] {
  const removed = blobs.removeUnneeded(hashes, referenced);
  for (const sha of removed) deleteSmallBlob(db, sha);
  return removed;
}

/** PASSIVE: copies what it can without waiting; a checkpoint already running elsewhere (the CLI's) is no error. */
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The next one catches up.
  }
}

/** The deliveries are committed whatever happens here: entries not written keep waiting, and their names stay for the next start. */
function writeSearchBatch(): void {
  try {
    search.flush();
  } catch {
    // The next flush tries again; a search's own flush reports the failure.
  }
}

function handle(request: IngestRequest): unknown {
  switch (request.kind) {
    case 'putBlobs':
      return putBlobs(request.blobs, request.hashes);
    case 'commit':
      return commit(request);
    case 'addStatuses':
      return addStatuses(request.rows);
    case 'discard':
      return discard(request.pinned, request.created);
    case 'removeBlobs':
      return removeUnneeded(request.hashes);
    case 'flushSearch':
      return search.flush();
  }
}

serveRequests(parentPort!, (message) => message as IngestRequest, handle, {
  onClose: () => {
    clearInterval(checkpoints);
    writeSearchBatch();
    blobs.close();
    db.close();
  },
});
