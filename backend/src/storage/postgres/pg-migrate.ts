// Applies prisma/postgresql/migrations/*/migration.sql in order, each in its
// own transaction, recording it in Prisma's `_prisma_migrations` table (same
// columns and checksum as `prisma migrate deploy`), all under a session
// advisory lock: instances starting together against one database take
// turns, and the second finds the work done.
//
// Through `pg` only, never Prisma's schema engine: with a driver adapter
// (@prisma/adapter-pg 6.19) Prisma Migrate cannot read PostgreSQL's `name`
// type, which its introspection of the catalog returns (prisma/prisma#27403).
// This runner reads that type too (listTables) and pg decodes it as text.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listMigrations } from '../migration-files.js';
import type pg from 'pg';

export const PG_MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../../prisma/postgresql/migrations');

/** The advisory lock's key: "chitbox" in ASCII, so other applications on the database are unlikely to share it. */
export const MIGRATION_LOCK_KEY = 0x63686974626f78n;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class ForeignDatabaseError extends Error {}

export interface PgMigrationResult {
  applied: string[];
}

/** `client` is a connected client of its own: the lock is held by its session. */
export async function applyPgMigrations(client: pg.ClientBase, dir = PG_MIGRATIONS_DIR): Promise<PgMigrationResult> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  try {
    await refuseForeignDatabase(client);
    await client.query(CREATE_TABLE);
    const done = new Set(
      (
        await client.query<{ migration_name: string }>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        )
      ).rows.map((r) => r.migration_name),
    );
    const applied: string[] = [];
    for (const name of listMigrations(dir)) {
      if (done.has(name)) continue;
      await applyOne(client, name, fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8'));
      applied.push(name);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
  }
}

async function applyOne(client: pg.ClientBase, name: string, sql: string): Promise<void> {
  const checksum = createHash('sha256').update(sql).digest('hex');
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), checksum, name],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** The tables of the schema the connection works in (`name`-typed catalog columns, decoded by pg as text). */
export async function listTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ tablename: string }>(
    'SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
  );
  return rows.map((r) => r.tablename);
}

/** Tables but no migration history: some other application's database, which ChitBox must not write into. */
async function refuseForeignDatabase(client: pg.ClientBase): Promise<void> {
  const tables = await listTables(client);
  if (tables.length > 0 && !tables.includes('_prisma_migrations')) {
    throw new ForeignDatabaseError(
      `the database has tables (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}) but no ChitBox migrations: use an empty database`,
    );
  }
}
