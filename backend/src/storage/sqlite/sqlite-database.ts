// Opens the SQLite database: Prisma on one writer connection (its
// transactions take exclusive turns on the write lock, see WriteTurns) and one
// reader connection, so reads never see another request's uncommitted
// transaction; plus plain better-sqlite3 connections for the few hot reads
// that run as prepared statements (sqlite-queries.ts) and for the hot changes
// (flag-changes.ts), which take the same exclusive turns as Prisma's writes.
//
// The SMTP hot path does not go through Prisma: its JS engine compiles every
// query, which costs more CPU than parsing a small message.
// New messages are committed in batches by the ingest worker thread on a
// connection of its own (ingest-worker/), in shared turns that alternate with
// Prisma's exclusive ones; so are a sent message's first delivery statuses,
// whose commit (and fsync) would otherwise stop this thread's event loop just
// after the new mail was announced.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import BetterSqlite3 from 'better-sqlite3';
import type { PrismaDatabase } from '../prisma/prisma-database.js';
import { NO_CHECKPOINTS } from './checkpoints.js';
import type { IngestWorker } from './ingest-worker/ingest-worker.js';
import type { CommittedRows, DeliveryRows, NewStatus } from './ingest-worker/ingest-worker-protocol.js';
import { applyMigrations, type MigrationResult } from './migrate.js';
import { SearchFlush } from './search-flush.js';
import { PROBE_SQL } from './sqlite-queries.js';
import { backfillSummaries } from './summary-backfill.js';
import { WriteTurns } from './write-turns.js';

export type Sqlite = BetterSqlite3.Database;

export interface SqliteDatabase extends PrismaDatabase {
  /** a connection of its own for prepared-statement reads; sees committed data only */
  readonly hotReader: Sqlite;
  /**
   * Runs fn as one synchronous transaction (BEGIN IMMEDIATE ... COMMIT) on a
   * plain connection of its own, in an exclusive write turn: prepared
   * statements for the API's hot changes, where Prisma's per-query cost is
   * most of the work.
   */
  writeNow<T>(fn: (db: Sqlite) => T): Promise<T>;
  /** commits a new message's copies (and queue rows) in one transaction, batched with others arriving meanwhile */
  commitDelivery(delivery: DeliveryRows): Promise<CommittedRows>;
  /** a sent message's first delivery statuses, committed on the ingest worker (off this thread) */
  addStatuses(rows: NewStatus[]): Promise<void>;
  /** resolves once every message committed so far is in the search index (search-flush.ts) */
  flushSearchIndex(): Promise<void>;
  readonly migrations: MigrationResult;
  /** a read of a real table and the write lock taken and released */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  filePath: string;
  busyTimeoutMs: number;
}

/** `ingest` commits the hot path's batches; the database closes it. */
export async function openDatabase(opts: DatabaseOptions, ingest: IngestWorker): Promise<SqliteDatabase> {
  const migrations = applyMigrations(opts.filePath);
  backfillSummaries(opts.filePath, { busyTimeoutMs: opts.busyTimeoutMs });
  // The writer never waits inside SQLite: better-sqlite3 is synchronous, so a
  // busy wait there (another process holding the write lock: the CLI) would
  // stop the whole event loop. It fails at once and writeWhenFree() retries
  // on timers, within the same SQLITE_BUSY_TIMEOUT_MS.
  const writer = await connect({ ...opts, busyTimeoutMs: 0 });
  const reader = await connect(opts);
  const hotReader = new BetterSqlite3(opts.filePath, { timeout: opts.busyTimeoutMs });
  // Like Prisma's writer: never waits inside SQLite (writeWhenFree retries on timers).
  const hotWriter = new BetterSqlite3(opts.filePath, { timeout: 0 });
  hotWriter.pragma('synchronous = FULL');
  hotWriter.pragma('foreign_keys = ON');
  hotWriter.pragma(NO_CHECKPOINTS);
  await ingest.ready();
  const turns = new WriteTurns();
  // A timed flush that fails leaves the entries waiting: the next flush tries
  // again, and a search's own flush reports the failure to it.
  const searchFlush = new SearchFlush(() => turns.shared(() => ingest.flushSearch()), () => undefined);
  const write: SqliteDatabase['write'] = (fn) =>
    turns.exclusive(() => writeWhenFree(() => writer.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 60_000 }), opts.busyTimeoutMs));
  return {
    read: reader,
    hotReader,
    migrations,
    write,
    writeNow: (fn) => turns.exclusive(() => writeWhenFree(async () => hotWriter.transaction(fn).immediate(hotWriter), opts.busyTimeoutMs)),
    commitDelivery: (delivery) => {
      const committed = turns.shared(() => ingest.commit(delivery));
      if (delivery.searchText) searchFlush.soon();
      return committed;
    },
    flushSearchIndex: () => searchFlush.now(),
    addStatuses: (rows) => (rows.length === 0 ? Promise.resolve() : turns.shared(() => ingest.addStatuses(rows))),
    // A database whose write lock is held elsewhere cannot store mail, so it
    // is not healthy even though reads still work (WAL readers are never blocked).
    async probe() {
      // On the hot reader: Prisma's reader queues its queries, so /health would wait behind every big read in flight.
      hotReader.prepare(PROBE_SQL.read).get();
      await write((tx) => tx.$executeRawUnsafe(PROBE_SQL.writeLock));
    },
    async close() {
      // The ingest thread indexes what still waits as it closes.
      searchFlush.cancel();
      await turns.drain();
      hotReader.close();
      hotWriter.close();
      await Promise.all([writer.$disconnect(), reader.$disconnect(), ingest.close()]);
    },
  };
}

/**
 * Runs a write transaction, again after a pause while another process holds
 * the write lock (SQLITE_BUSY), for up to budgetMs. The transaction rolled
 * back, so running it again is safe.
 */
export async function writeWhenFree<T>(run: () => Promise<T>, budgetMs: number): Promise<T> {
  const until = Date.now() + budgetMs;
  for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 100)) {
    try {
      return await run();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(pauseMs, Math.max(1, until - Date.now()))));
    }
  }
}

/** Prisma reports the lock as P1008 with the driver's SQLITE_BUSY in meta.driverAdapterError.cause. */
function isBusy(err: unknown): boolean {
  const e = err as { message?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  return e?.meta?.driverAdapterError?.cause?.originalCode === 'SQLITE_BUSY' || /SQLITE_BUSY|database is locked/i.test(String(e?.message ?? ''));
}

async function connect(opts: DatabaseOptions): Promise<PrismaClient> {
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${opts.filePath}`, timeout: opts.busyTimeoutMs }) });
  await prisma.$connect();
  // Per-connection settings: durability of every commit, and FK enforcement.
  await prisma.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
  // On the event loop: the ingest thread checkpoints (checkpoints.ts).
  await prisma.$queryRawUnsafe(`PRAGMA ${NO_CHECKPOINTS}`);
  return prisma;
}
