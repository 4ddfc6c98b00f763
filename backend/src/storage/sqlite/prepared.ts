// A group of hand-written statements, prepared once per connection (the
// ingest worker's, the backfill's) and kept with it.
import type BetterSqlite3 from 'better-sqlite3';

export type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** `statements(db)`: every statement of `sql`, prepared on db the first time and reused after. */
export function preparedOn<K extends string>(sql: Readonly<Record<K, string>>): (db: BetterSqlite3.Database) => Record<K, Statement> {
  const byDb = new WeakMap<BetterSqlite3.Database, Record<K, Statement>>();
  return (db) => {
    let s = byDb.get(db);
    if (!s) {
      s = Object.fromEntries(Object.entries<string>(sql).map(([k, text]) => [k, db.prepare(text).safeIntegers(false)])) as Record<K, Statement>;
      byDb.set(db, s);
    }
    return s;
  };
}
