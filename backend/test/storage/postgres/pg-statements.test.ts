// Every hand-written SQL statement of the PostgreSQL engine, prepared against
// a freshly migrated database: a column renamed in a migration fails here,
// not in the first delivery after a deploy.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_BLOB_SQL } from '../../../src/storage/postgres/pg-blob-store.js';
import { PG_DELIVERY_SQL } from '../../../src/storage/postgres/pg-delivery-sql.js';
import { applyPgMigrations } from '../../../src/storage/postgres/pg-migrate.js';
import { MAX_SEARCH_WORDS, PG_READ_SQL, pgSearchSql } from '../../../src/storage/postgres/pg-queries.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg-test-db.js';

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  expect((await applyPgMigrations(client)).applied.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const groups = { PG_READ_SQL, PG_DELIVERY_SQL, PG_BLOB_SQL } as const;
const statements: Array<[string, string]> = [
  ...Object.entries(groups).flatMap(([group, sqls]) => Object.entries(sqls).map(([k, sql]): [string, string] => [`${group}.${k}`, sql])),
  ...Array.from({ length: MAX_SEARCH_WORDS }, (_, i): [string, string] => [`pgSearchSql(${i + 1})`, pgSearchSql(i + 1)]),
];

describe('hand-written PostgreSQL', () => {
  it('covers every statement group', () => {
    const total = Object.values(groups).reduce((n, g) => n + Object.keys(g).length, 0);
    expect(statements.length).toBe(total + MAX_SEARCH_WORDS);
  });

  it.each(statements)('%s prepares against the migrated schema', async (_name, sql) => {
    await client.query(`PREPARE probe AS ${sql}`);
    await client.query('DEALLOCATE probe');
  });
});
