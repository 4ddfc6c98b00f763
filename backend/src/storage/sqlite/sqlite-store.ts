// The SQLite engine behind the storage port: Prisma repositories for ordinary
// queries, prepared statements for the hot reads, and the ingest worker
// thread that writes blob files and group-commits new messages.
import type { MailStore } from '../mail-store.js';
import { AccountRepo } from '../prisma/account-repo.js';
import { ChatRepo } from '../prisma/chat-repo.js';
import { DomainRepo } from '../prisma/domain-repo.js';
import { FolderRepo } from '../prisma/folder-repo.js';
import { ImapRepo } from '../prisma/imap-repo.js';
import { MessageRepo } from '../prisma/message-repo.js';
import { OutboundRepo } from '../prisma/outbound-repo.js';
import { UserRepo } from '../prisma/user-repo.js';
import { WebhookRepo } from '../prisma/webhook-repo.js';
import { changeFlags } from './flag-changes.js';
import { IngestWorker } from './ingest-worker/ingest-worker.js';
import { SEARCH_INDEX_SQL, SqliteSearchIndex } from './search/search-index-repo.js';
import { SearchRunner } from './search/search-runner.js';
import { SqliteDelivery } from './sqlite-delivery.js';
import { openDatabase } from './sqlite-database.js';
import { SqliteQueries } from './sqlite-queries.js';
import { TieredBlobs } from './tiered-blobs.js';

export interface SqliteStoreOptions {
  /** the database file */
  filePath: string;
  /** how long a write waits for a lock another process holds */
  busyTimeoutMs: number;
  /** where blob files go (DATA_DIR/blobs) */
  blobRoot: string;
  /** blobs up to this size are rows of the database, bigger ones files (0: always files) */
  inlineMaxBytes: number;
  /** a search running longer is stopped (SearchTimedOut) */
  searchTimeoutMs: number;
  /** blob files no row references are removed at start once older than this (default 1 h) */
  orphanGraceMs?: number;
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<MailStore> {
  const ingest = new IngestWorker({ filePath: opts.filePath, busyTimeoutMs: opts.busyTimeoutMs, blobRoot: opts.blobRoot });
  const db = await openDatabase(opts, ingest);
  const queries = new SqliteQueries(db.hotReader);
  const tiers = new TieredBlobs(opts.blobRoot, ingest, (sha) => queries.smallBlobContent(sha), opts.inlineMaxBytes);
  await tiers.init();
  // Files a crash left between their write and their commit; an hour's grace for anything still on its way.
  const orphansRemoved = await tiers.sweepOrphans(opts.orphanGraceMs ?? 60 * 60_000);
  const releaseBlobs = (hashes: string[]) => tiers.release(hashes);
  const searches = new SearchRunner({ filePath: opts.filePath, busyTimeoutMs: opts.busyTimeoutMs }, opts.searchTimeoutMs);
  return {
    engine: 'sqlite',
    migrationsApplied: db.migrations.applied,
    orphanBlobsRemoved: orphansRemoved,
    users: new UserRepo(db, queries),
    accounts: new AccountRepo(db, releaseBlobs),
    folders: new FolderRepo(db),
    messages: new MessageRepo(db, {
      // Words are looked up in the index: the mail acknowledged so far goes into it first.
      search: async (userId, spec, offset, limit) => {
        if (spec.fts5Match !== null || spec.fts5Exclude !== null) await db.flushSearchIndex();
        return searches.search(userId, spec, offset, limit);
      },
      reads: queries,
      releaseBlobs,
      changeFlags: (userId, ids, flags) => db.writeNow((w) => changeFlags(w, userId, ids, flags)),
    }),
    imap: new ImapRepo(db, queries, (tx, ids) => tx.$executeRawUnsafe(SEARCH_INDEX_SQL.copied, JSON.stringify(ids))),
    blobs: { read: (sha) => tiers.read(sha), open: (sha) => tiers.open(sha), release: releaseBlobs },
    outbound: new OutboundRepo(db, releaseBlobs),
    webhooks: new WebhookRepo(db),
    chat: new ChatRepo(db, { addStatuses: (rows) => db.addStatuses([...rows]), statusRows: (userId, ids) => queries.statusRows(userId, ids) }),
    domains: new DomainRepo(db),
    searchIndex: new SqliteSearchIndex(db),
    // One instance, one data directory: the JWT secret is a file there (auth/jwt-secret.ts).
    secrets: null,
    openDelivery: (raw) => new SqliteDelivery(raw, tiers, (rows) => db.commitDelivery(rows)),
    probe: () => db.probe(),
    close: async () => {
      await searches.close();
      await db.close();
    },
  };
}
