// Every hand-written SQL statement of the SQLite engine, prepared against a
// freshly migrated database: a column renamed in a migration fails here, not
// in the first delivery after a deploy. (Prisma's queries are checked by its
// own generated client.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_SQL } from '../../../src/storage/sqlite/flag-changes.js';
import { DELIVERY_SQL } from '../../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { applyMigrations } from '../../../src/storage/sqlite/migrate.js';
import { SEARCH_QUEUE_SQL } from '../../../src/storage/sqlite/ingest-worker/search-index-queue.js';
import { SEARCH_INDEX_SQL } from '../../../src/storage/sqlite/search/search-index-repo.js';
import { SEARCH_HITS_SQL, searchIdsQuery } from '../../../src/storage/sqlite/search/search-sql.js';
import { PROBE_SQL, READ_SQL } from '../../../src/storage/sqlite/sqlite-queries.js';
import type { SearchSpec } from '../../../src/storage/mail-store.js';
import { SUMMARY_SQL } from '../../../src/storage/sqlite/summary-sql.js';

let dir: string;
let db: Database.Database;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-sql-'));
  const file = path.join(dir, 'chitbox.db');
  expect(applyMigrations(file).applied.length).toBeGreaterThan(0);
  db = new Database(file);
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const NO_FILTERS: SearchSpec = {
  fts5Match: null, fts5Exclude: null, tsquery: null, folders: [], excludedFolders: [], isRead: null, isStarred: null,
  hasAttachments: null, sentOnOrAfter: null, sentBefore: null,
};
/** Every fragment of a search at least once. */
const SEARCH_SHAPES: Record<string, SearchSpec> = {
  'words and every filter': {
    fts5Match: '"a"', fts5Exclude: null, tsquery: null, folders: ['inbox'], excludedFolders: ['spam'], isRead: false, isStarred: true,
    hasAttachments: true, sentOnOrAfter: new Date(0), sentBefore: new Date(),
  },
  'filters only': { ...NO_FILTERS, isRead: true },
  'negated words only': { ...NO_FILTERS, fts5Exclude: '"a"' },
};

const statements: Array<[string, string]> = [
  ...Object.entries(READ_SQL).map(([k, sql]): [string, string] => [`READ_SQL.${k}`, sql]),
  ...Object.entries(PROBE_SQL).map(([k, sql]): [string, string] => [`PROBE_SQL.${k}`, sql]),
  ...Object.entries(DELIVERY_SQL).map(([k, sql]): [string, string] => [`DELIVERY_SQL.${k}`, sql]),
  ...Object.entries(SUMMARY_SQL).map(([k, sql]): [string, string] => [`SUMMARY_SQL.${k}`, sql]),
  ...Object.entries(FLAG_SQL).map(([k, sql]): [string, string] => [`FLAG_SQL.${k}`, sql]),
  ...Object.entries(SEARCH_INDEX_SQL).map(([k, sql]): [string, string] => [`SEARCH_INDEX_SQL.${k}`, sql]),
  ...Object.entries(SEARCH_QUEUE_SQL).map(([k, sql]): [string, string] => [`SEARCH_QUEUE_SQL.${k}`, sql]),
  ['SEARCH_HITS_SQL', SEARCH_HITS_SQL],
  ...Object.entries(SEARCH_SHAPES).map(([k, spec]): [string, string] => [`searchIdsQuery(${k})`, searchIdsQuery(1, spec, 0, 10).sql]),
];

describe('hand-written SQL', () => {
  it('covers every statement group', () => {
    expect(statements.length).toBe(
      Object.keys(READ_SQL).length + Object.keys(PROBE_SQL).length + Object.keys(DELIVERY_SQL).length + Object.keys(SUMMARY_SQL).length
        + Object.keys(FLAG_SQL).length + Object.keys(SEARCH_INDEX_SQL).length + Object.keys(SEARCH_QUEUE_SQL).length + 1 + Object.keys(SEARCH_SHAPES).length,
    );
  });

  it.each(statements)('%s prepares against the migrated schema', (_name, sql) => {
    expect(() => db.prepare(sql)).not.toThrow();
  });
});

describe('an IMAP folder listing', () => {
  // A row's bodies come before its IMAP columns and run onto overflow pages:
  // a listing that touched the rows would read every message's bodies.
  it.each([['imapUids', [1, 1]], ['imapListing', [1, 1, 0, 100, 0]]] as const)('READ_SQL.%s reads mail_messages_imap_listing_idx alone', (name, params) => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${READ_SQL[name]}`).all(...params) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail)).toEqual([expect.stringContaining('USING COVERING INDEX mail_messages_imap_listing_idx')]);
  });
});
