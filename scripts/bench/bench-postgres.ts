// --db postgresql: each ChitBox the bench starts gets a fresh PostgreSQL
// database (bench_<random>, or BENCH_PG_DB_PREFIX_<random> on a server others
// share), dropped when that server stops, so every round starts from an
// empty store as it does on SQLite.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where bench databases are made: BENCH_PG_URL, or the local server with trust auth. */
export const BENCH_PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PREFIX = process.env.BENCH_PG_DB_PREFIX ?? 'bench';
if (!/^[a-z_][a-z0-9_]*$/.test(PREFIX)) throw new Error(`BENCH_PG_DB_PREFIX: lower-case letters, digits and _ only`);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${PREFIX}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
