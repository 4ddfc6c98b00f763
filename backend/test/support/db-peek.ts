// Looks at (or plants rows in) a test server's database directly, for what
// no API shows: outbox rows, queue rows in odd states. The server keeps
// running. SQLite: its file in the data directory (WAL lets both sides in,
// the busy timeout waits out its commits). With CHITBOX_TEST_DATABASE=postgresql:
// the data directory's database (pg-test-db.ts); `?` placeholders become $n.
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseEnv, onPostgres, withClient } from './pg-test-db.js';

function open<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'chitbox.db'), { fileMustExist: true, timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** `?` placeholders (outside quotes) as PostgreSQL's $1, $2, ... */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/'[^']*'|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

async function onPg<T>(dataDir: string, fn: (run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const url = (await databaseEnv(dataDir)).DATABASE_URL!;
  return withClient(url, (c) => fn(async (sql, params) => (await c.query(numbered(sql), params)).rows));
}

export async function dbRows<T = Record<string, unknown>>(dataDir: string, sql: string, ...params: unknown[]): Promise<T[]> {
  if (onPostgres) return onPg(dataDir, (run) => run(sql, params) as Promise<T[]>);
  return open(dataDir, (db) => db.prepare(sql).all(...params) as T[]);
}

/** Runs one statement; the new row's id for an INSERT. */
export async function dbRun(dataDir: string, sql: string, ...params: unknown[]): Promise<number> {
  if (onPostgres) {
    const insert = /^\s*INSERT\b/i.test(sql) && !/\bRETURNING\b/i.test(sql);
    return onPg(dataDir, async (run) => Number((await run(insert ? `${sql} RETURNING id` : sql, params))[0]?.id ?? 0));
  }
  return open(dataDir, (db) => Number(db.prepare(sql).run(...params).lastInsertRowid));
}

/** A time as Prisma's SQLite adapter stores it (sqlite-time.ts); PostgreSQL's timestamptz reads the same text. */
export const sqliteTime = (d: Date): string => d.toISOString().replace('Z', '+00:00');
