// Every hand-written SQL statement of the PostgreSQL engine, prepared against
// a freshly migrated database: a column renamed in a migration fails here,
// not in the first delivery after a deploy.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_BATCH_SQL } from '../../../src/storage/postgres/pg-batch-sql.js';
import { PG_BLOB_SQL } from '../../../src/storage/postgres/pg-blob-store.js';
import { PG_DELIVERY_SQL } from '../../../src/storage/postgres/pg-delivery-sql.js';
import { applyPgMigrations } from '../../../src/storage/postgres/pg-migrate.js';
import { PG_READ_SQL } from '../../../src/storage/postgres/pg-queries.js';
import { PG_SEARCH_SQL, pgSearchIdsQuery } from '../../../src/storage/postgres/pg-search-sql.js';
import { PG_SUMMARY_SQL } from '../../../src/storage/postgres/pg-summary-sql.js';
import type { SearchSpec } from '../../../src/storage/mail-store.js';
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

const groups = { PG_READ_SQL, PG_DELIVERY_SQL, PG_BATCH_SQL, PG_BLOB_SQL, PG_SUMMARY_SQL, PG_SEARCH_SQL } as const;

const NO_FILTERS: SearchSpec = {
  fts5Match: null, fts5Exclude: null, tsquery: null, folders: [], excludedFolders: [], isRead: null, isStarred: null,
  hasAttachments: null, sentOnOrAfter: null, sentBefore: null,
};
/** Every shape a search's SQL takes: ranked words, negated words alone, no words; each with every filter. */
const SEARCHES: Record<string, SearchSpec> = {
  'no words': NO_FILTERS,
  'ranked words, every filter': {
    fts5Match: '"a"', fts5Exclude: null, tsquery: "'a'", folders: ['inbox'], excludedFolders: ['spam'], isRead: false, isStarred: true,
    hasAttachments: true, sentOnOrAfter: new Date(0), sentBefore: new Date(),
  },
  'negated words only': { ...NO_FILTERS, fts5Exclude: '"a"', tsquery: "!'a'" },
};
const statements: Array<[string, string]> = [
  ...Object.entries(groups).flatMap(([group, sqls]) => Object.entries(sqls).map(([k, sql]): [string, string] => [`${group}.${k}`, sql])),
  ...Object.entries(SEARCHES).map(([name, spec]): [string, string] => [`pgSearchIdsQuery: ${name}`, pgSearchIdsQuery(1, spec, 0, 10).text]),
];

describe('hand-written PostgreSQL', () => {
  it('covers every statement group', () => {
    const total = Object.values(groups).reduce((n, g) => n + Object.keys(g).length, 0);
    expect(statements.length).toBe(total + Object.keys(SEARCHES).length);
  });

  it.each(statements)('%s prepares against the migrated schema', async (_name, sql) => {
    await client.query(`PREPARE probe AS ${sql}`);
    await client.query('DEALLOCATE probe');
  });
});
