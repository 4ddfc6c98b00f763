// Looks at (or plants rows in) a test server's SQLite file directly, for what
// no API shows: outbox rows, queue rows in odd states. The server keeps
// running; WAL lets both sides in, the busy timeout waits out its commits.
import path from 'node:path';
import Database from 'better-sqlite3';

function open<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'chitbox.db'), { fileMustExist: true, timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function sqliteRows<T = Record<string, unknown>>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  return open(dataDir, (db) => db.prepare(sql).all(...params) as T[]);
}

/** Runs one statement; the new row's id for an INSERT. */
export function sqliteRun(dataDir: string, sql: string, ...params: unknown[]): number {
  return open(dataDir, (db) => Number(db.prepare(sql).run(...params).lastInsertRowid));
}

/** A time as Prisma's SQLite adapter stores it (sqlite-time.ts). */
export const sqliteTime = (d: Date): string => d.toISOString().replace('Z', '+00:00');
