// Reads a store's database behind its back, the same way on both engines:
// `?` placeholders, and rows with booleans as 0/1 and times as ISO text (as
// SQLite gives them), so one assertion serves SQLite and PostgreSQL alike.
import type Database from 'better-sqlite3';
import pg from 'pg';

export interface SqlPeek {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** `?` placeholders (outside quotes) as PostgreSQL's $1, $2, ... */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/'[^']*'|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

export function sqlitePeek(db: Database.Database): SqlPeek {
  return {
    all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
    close: async () => void db.close(),
  };
}

/** A connection of its own to the database at `url`. */
export async function pgPeek(url: string): Promise<SqlPeek> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    all: async <T>(sql: string, ...params: unknown[]) => (await client.query(numbered(sql), params)).rows.map(likeSqlite) as T[],
    close: () => client.end(),
  };
}

function likeSqlite(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'boolean' ? Number(v) : v instanceof Date ? v.toISOString() : v;
  return out;
}
