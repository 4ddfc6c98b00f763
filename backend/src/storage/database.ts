// Opens the SQLite database through Prisma: one writer connection (its
// transactions take exclusive turns on the write lock, see WriteTurns) and one
// reader connection, so reads never see another request's uncommitted transaction.
//
// The SMTP hot path does not go through Prisma: its JS engine compiles every
// query (about 0.4 ms of CPU each here), which cost more than parsing the
// mail. Recipient lookups use a prepared statement on the reader connection;
// new messages are committed in batches by the ingest worker thread on a
// third connection (ingest-worker.ts, group-commit.ts), in shared turns that
// alternate with Prisma's exclusive ones. Everything else goes through Prisma.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import type BetterSqlite3 from 'better-sqlite3';
import { WriteTurns } from '../shared/write-turns.js';
import type { IngestWorker } from './ingest-worker.js';
import type { CommittedRows, DeliveryRows } from './ingest-worker-protocol.js';
import { applyMigrations, type MigrationResult } from './migrate.js';

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
export type Sqlite = BetterSqlite3.Database;

export interface Database {
  /** for queries: a separate connection that sees only committed data */
  readonly read: PrismaClient;
  /** runs fn in one write transaction, after every earlier write */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** the reader connection itself, for hot-path lookups with prepared statements */
  readonly sqliteReader: Sqlite;
  /** commits a new message's copies (and queue rows) in one transaction, batched with others arriving meanwhile */
  commitDelivery(delivery: DeliveryRows): Promise<CommittedRows>;
  readonly migrations: MigrationResult;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  filePath: string;
  busyTimeoutMs: number;
}

/** `ingest` commits the hot path's batches (null: a tool that only reads); the database closes it. */
export async function openDatabase(opts: DatabaseOptions, ingest: IngestWorker | null): Promise<Database> {
  const migrations = applyMigrations(opts.filePath);
  const writer = await connect(opts);
  const reader = await connect(opts);
  const turns = new WriteTurns();
  return {
    read: reader.prisma,
    sqliteReader: reader.sqlite,
    migrations,
    write: (fn) => turns.exclusive(() => writer.prisma.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 60_000 })),
    commitDelivery: (delivery) =>
      ingest ? turns.shared(() => ingest.commit(delivery)) : Promise.reject(new Error('opened without an ingest worker')),
    async ping() {
      await reader.prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      await turns.drain();
      await Promise.all([writer.prisma.$disconnect(), reader.prisma.$disconnect(), ingest?.close()]);
    },
  };
}

async function connect(opts: DatabaseOptions): Promise<{ prisma: PrismaClient; sqlite: Sqlite }> {
  const factory = new PrismaBetterSQLite3({ url: `file:${opts.filePath}`, timeout: opts.busyTimeoutMs });
  // Keep the better-sqlite3 handle the adapter opens, so hot paths share the
  // very connection (and its write lock) that Prisma uses.
  let sqlite: Sqlite | null = null;
  const open = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await open();
    sqlite = (adapter as unknown as { client: Sqlite }).client;
    return adapter;
  };
  const prisma = new PrismaClient({ adapter: factory });
  await prisma.$connect();
  // Per-connection settings: durability of every commit, and FK enforcement.
  await prisma.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
  if (!sqlite) throw new Error('the SQLite adapter did not open a connection');
  return { prisma, sqlite };
}
