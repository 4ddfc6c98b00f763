// Opens the SQLite database through Prisma: one writer connection (every write
// serialised through a queue, see SerialQueue) and one reader connection, so
// reads never see another request's uncommitted transaction.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { SerialQueue } from '../shared/serial-queue.js';
import { applyMigrations, type MigrationResult } from './migrate.js';

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface Database {
  /** for queries: a separate connection that sees only committed data */
  readonly read: PrismaClient;
  /** runs fn in one write transaction, after every earlier write */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
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
  const writer = await connect(opts, 'FULL');
  const reader = await connect(opts, 'FULL');
  const queue = new SerialQueue();
  return {
    read: reader,
    migrations,
    write: (fn) => queue.run(() => writer.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 60_000 })),
    async ping() {
      await reader.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      await queue.drain();
      await Promise.all([writer.$disconnect(), reader.$disconnect()]);
    },
  };
}

async function connect(opts: DatabaseOptions, synchronous: 'FULL'): Promise<PrismaClient> {
  const adapter = new PrismaBetterSQLite3({ url: `file:${opts.filePath}`, timeout: opts.busyTimeoutMs });
  const client = new PrismaClient({ adapter });
  await client.$connect();
  // Per-connection settings: durability of every commit, and FK enforcement.
  await client.$queryRawUnsafe(`PRAGMA synchronous = ${synchronous}`);
  await client.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await client.$queryRawUnsafe(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
  return client;
}
