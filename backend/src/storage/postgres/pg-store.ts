// The PostgreSQL engine behind the storage port: the same Prisma repositories
// as SQLite for ordinary queries, named statements through `pg` for the hot
// reads, group-committed deliveries, and every blob in the database, so that
// instances share nothing but PostgreSQL (and Redis).
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
import { PgBlobStore } from './pg-blob-store.js';
import { PgCommitter } from './pg-committer.js';
import { openPgDatabase, type PgDatabaseOptions } from './pg-database.js';
import { PgDelivery } from './pg-delivery.js';
import { PgQueries } from './pg-queries.js';
import { PgSearch, PgSearchIndex } from './pg-search.js';

export interface PgStoreOptions extends PgDatabaseOptions {
  /** how long a search may run before it is stopped (SearchTimedOut) */
  searchTimeoutMs?: number;
}

const DEFAULT_SEARCH_TIMEOUT_MS = 10_000;

export async function openPostgresStore(opts: PgStoreOptions): Promise<MailStore> {
  const db = await openPgDatabase(opts);
  const queries = new PgQueries(db.pool);
  const blobs = new PgBlobStore(db.pool);
  const committer = new PgCommitter(db.pool);
  const search = new PgSearch(db.pool, opts.searchTimeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS);
  const releaseBlobs = async (hashes: string[]) => void (await blobs.release(hashes));
  return {
    engine: 'postgresql',
    // Blobs are rows written in the delivery's transaction: a crash leaves none behind.
    orphanBlobsRemoved: 0,
    migrationsApplied: db.migrations.applied,
    users: new UserRepo(db, queries),
    accounts: new AccountRepo(db, releaseBlobs),
    folders: new FolderRepo(db),
    messages: new MessageRepo(db, { search: (userId, spec, offset, limit) => search.search(userId, spec, offset, limit), reads: queries, releaseBlobs }),
    blobs: { read: (sha) => blobs.read(sha), open: (sha) => blobs.open(sha), release: releaseBlobs },
    outbound: new OutboundRepo(db, releaseBlobs),
    webhooks: new WebhookRepo(db),
    chat: new ChatRepo(db, { statusRows: (userId, ids) => queries.statusRows(userId, ids) }),
    domains: new DomainRepo(db),
    imap: new ImapRepo(db, queries),
    searchIndex: new PgSearchIndex(db.pool),
    secrets: { getOrCreate: (name, make) => queries.secret(name, make) },
    openDelivery: (raw) => new PgDelivery(raw, committer),
    probe: () => queries.probe(),
    async close() {
      await committer.drain();
      await db.close();
    },
  };
}
