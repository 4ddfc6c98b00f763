// Opens the PostgreSQL database: migrations first (pg-migrate.ts, on a
// connection of their own under an advisory lock), then Prisma's client
// through @prisma/adapter-pg for the repositories, and a `pg` pool for the
// hot path (deliveries, RCPT lookups, blobs).
//
// The Prisma client is the one generated from prisma/postgresql/schema.prisma
// (derived from prisma/schema.prisma, same models and fields), so the
// repositories written against the SQLite client's types run on it unchanged.
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PrismaClient } from '@prisma/client';
import pg from 'pg';
import type { PrismaDatabase } from '../prisma/prisma-database.js';
import { applyPgMigrations, type PgMigrationResult } from './pg-migrate.js';

export interface PgDatabase extends PrismaDatabase {
  /** the hot path's connections */
  readonly pool: pg.Pool;
  readonly migrations: PgMigrationResult;
  close(): Promise<void>;
}

export interface PgDatabaseOptions {
  url: string;
  /** connections for Prisma and, as many again, for the hot path */
  poolSize: number;
  /** how long a statement may run before PostgreSQL cancels it */
  statementTimeoutMs: number;
}

type PrismaClientClass = new (options: { adapter: PrismaPg }) => PrismaClient;

/** The client generated for PostgreSQL (node_modules/.prisma/client-postgresql, by postinstall). */
function postgresPrismaClient(): PrismaClientClass {
  const require = createRequire(import.meta.url);
  return (require('.prisma/client-postgresql') as { PrismaClient: PrismaClientClass }).PrismaClient;
}

// Prisma's write transactions run one after another in this process, as the
// repositories expect (PrismaDatabase.write) and as SQLite's one write lock
// made them, at PostgreSQL's READ COMMITTED. Not serializable: every delivery
// updates its owner's usage row, and a serializable transaction touching
// that row (a delete, say) would fail again and again while mail arrives.
// What must hold across instances holds through row locks and conditional
// writes (a status moved only from where it may move, a receipt's unique key).
// Across instances two transactions may still deadlock (40P01) or, where a
// repository asks for it, fail to serialise (40001): those run again.
const WRITE_ATTEMPTS = 8;
/**
 * P2034 from Prisma's query engine; through @prisma/adapter-pg the same
 * refusal (SQLSTATE 40001, or 40P01 for a deadlock) comes as a
 * DriverAdapterError whose cause carries the code.
 */
export function isSerializationFailure(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { originalCode?: unknown; kind?: unknown } } | null;
  if (e?.code === 'P2034') return true;
  const code = e?.cause?.originalCode;
  return code === '40001' || code === '40P01' || e?.cause?.kind === 'TransactionWriteConflict';
}

/** A short random pause before running again, so the transactions that collided do not collide again. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

class WriteQueue {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.last.then(fn, fn);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/**
 * Every statement is planned for its values. A named statement otherwise
 * settles on one generic plan per connection after five runs, and on a young
 * database (before autovacuum first analyzes the tables) that plan reads whole
 * tables, since they were nearly empty: every delivery batch after it scanned
 * every stored message (a hot read's plan can do the same) until the next
 * ANALYZE replanned them. (A DATABASE_URL with options of its own replaces this.)
 */
export const PLANNED_PER_RUN = '-c plan_cache_mode=force_custom_plan';

export async function openPgDatabase(opts: PgDatabaseOptions): Promise<PgDatabase> {
  const migrations = await migrate(opts.url);
  const connection = { connectionString: opts.url, max: opts.poolSize, statement_timeout: opts.statementTimeoutMs, options: PLANNED_PER_RUN };
  const pool = new pg.Pool(connection);
  // An idle connection that PostgreSQL ends (a restart, a failover, an
  // administrator) is an 'error' on the pool, which with no listener would
  // end the process. The pool drops that connection by itself and opens a new
  // one when next asked; if PostgreSQL is really gone, that query fails and
  // says so (451 for mail, /health's database "down").
  pool.on('error', () => {});
  const PrismaClientPg = postgresPrismaClient();
  const prisma = new PrismaClientPg({ adapter: new PrismaPg(connection) });
  await prisma.$connect();
  const writes = new WriteQueue();
  const write: PgDatabase['write'] = (fn) =>
    writes.run(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await prisma.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 60_000 });
        } catch (err) {
          if (attempt >= WRITE_ATTEMPTS || !isSerializationFailure(err)) throw err;
          await backoff(attempt);
        }
      }
    });
  return {
    read: prisma,
    write,
    pool,
    migrations,
    async close() {
      await Promise.all([prisma.$disconnect(), pool.end()]);
    },
  };
}

async function migrate(url: string): Promise<PgMigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyPgMigrations(client);
  } finally {
    await client.end();
  }
}
