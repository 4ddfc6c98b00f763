// Opens the SQLite database through Prisma: one writer connection (every write
// serialised through a queue, see SerialQueue) and one reader connection, so
// reads never see another request's uncommitted transaction.
//
// The SMTP hot path (recipient lookup, storing a batch of messages) also gets
// the same two connections as better-sqlite3 handles: Prisma's JS engine
// compiles every query (about 0.4 ms of CPU each here), which on the ingest
// path cost more than parsing the mail. Everything else goes through Prisma.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import type BetterSqlite3 from 'better-sqlite3';
import { SerialQueue } from '../shared/serial-queue.js';
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
  /** runs fn synchronously inside one transaction on the writer, queued like write() */
  writeSql<T>(fn: (db: Sqlite) => T): Promise<T>;
  readonly migrations: MigrationResult;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  filePath: string;
  busyTimeoutMs: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const migrations = applyMigrations(opts.filePath);
  const writer = await connect(opts);
  const reader = await connect(opts);
  const queue = new SerialQueue();
  return {
    read: reader.prisma,
    sqliteReader: reader.sqlite,
    migrations,
    write: (fn) => queue.run(() => writer.prisma.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 60_000 })),
    writeSql: (fn) => queue.run(async () => writer.sqlite.transaction(() => fn(writer.sqlite)).immediate()),
    async ping() {
      await reader.prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      await queue.drain();
      await Promise.all([writer.prisma.$disconnect(), reader.prisma.$disconnect()]);
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

/** How Prisma's SQLite adapter stores DateTime values (ISO 8601, explicit offset). */
export function sqliteTime(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

export function fromSqliteTime(value: string): Date {
  return new Date(value);
}
