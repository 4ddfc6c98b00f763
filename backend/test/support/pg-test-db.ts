// Throwaway PostgreSQL databases for tests: each one created fresh (named
// <CHITBOX_TEST_DB_PREFIX>_<random>; .ci/run sets the prefix to its run's
// database so it can drop exactly its own) and dropped when the test is done. The server is CHITBOX_TEST_PG_URL's (default: the
// local one with trust auth). PostgreSQL that does not answer fails the test
// with that said: nothing is skipped quietly.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.CHITBOX_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PREFIX = process.env.CHITBOX_TEST_DB_PREFIX ?? 'pg_test';

/** The backend suite's server fixtures use PostgreSQL instead of SQLite. */
export const onPostgres = process.env.CHITBOX_TEST_DATABASE === 'postgresql';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${PG_ADMIN_URL} does not answer (${(err as Error).message}): start it, or set CHITBOX_TEST_PG_URL`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${PREFIX}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      // FORCE: a connection a failed test left open must not keep the database.
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** null when PostgreSQL answers, else why not (the cluster tests then skip, saying so). */
export async function postgresUnavailable(): Promise<string | null> {
  try {
    await withClient(PG_ADMIN_URL, (c) => c.query('SELECT 1'));
    return null;
  } catch (err) {
    return `PostgreSQL at ${PG_ADMIN_URL} does not answer (${(err as Error).message})`;
  }
}

/** Runs fn on a client of its own connected to the database. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const byDataDir = new Map<string, Promise<TestDatabase>>();

/**
 * With CHITBOX_TEST_DATABASE=postgresql: DATABASE_URL for the database that
 * goes with this data directory (made on its first use, so a server restarted
 * on the same directory finds its data again). Otherwise nothing: SQLite in
 * the data directory.
 */
export async function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (!onPostgres) return {};
  let db = byDataDir.get(dataDir);
  if (!db) {
    db = createTestDatabase();
    byDataDir.set(dataDir, db);
  }
  return { DATABASE_URL: (await db).url };
}

/** After each test file (support/test-setup.ts): every database databaseEnv made. */
export async function dropTestDatabases(): Promise<void> {
  const dbs = [...byDataDir.values()];
  byDataDir.clear();
  await Promise.all(dbs.map(async (db) => (await db).drop()));
}
