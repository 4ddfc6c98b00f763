// Every hand-written SQL statement of the SQLite engine, prepared against a
// freshly migrated database: a column renamed in a migration fails here, not
// in the first delivery after a deploy. (Prisma's queries are checked by its
// own generated client.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_SQL } from '../../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { applyMigrations } from '../../../src/storage/sqlite/migrate.js';
import { MAX_SEARCH_WORDS, PROBE_SQL, READ_SQL, searchSql } from '../../../src/storage/sqlite/sqlite-queries.js';
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

const statements: Array<[string, string]> = [
  ...Object.entries(READ_SQL).map(([k, sql]): [string, string] => [`READ_SQL.${k}`, sql]),
  ...Object.entries(PROBE_SQL).map(([k, sql]): [string, string] => [`PROBE_SQL.${k}`, sql]),
  ...Object.entries(DELIVERY_SQL).map(([k, sql]): [string, string] => [`DELIVERY_SQL.${k}`, sql]),
  ...Object.entries(SUMMARY_SQL).map(([k, sql]): [string, string] => [`SUMMARY_SQL.${k}`, sql]),
  ...Array.from({ length: MAX_SEARCH_WORDS }, (_, i): [string, string] => [`searchSql(${i + 1})`, searchSql(i + 1)]),
];

describe('hand-written SQL', () => {
  it('covers every statement group', () => {
    expect(statements.length).toBe(Object.keys(READ_SQL).length + Object.keys(PROBE_SQL).length + Object.keys(DELIVERY_SQL).length + Object.keys(SUMMARY_SQL).length + MAX_SEARCH_WORDS);
  });

  it.each(statements)('%s prepares against the migrated schema', (_name, sql) => {
    expect(() => db.prepare(sql)).not.toThrow();
  });
});
