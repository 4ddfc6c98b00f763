// The check that bench:read's bulk seed on PostgreSQL (read-seed-pg.ts) is
// the engine's: every row of every table, field by field, of a database the
// engine seeded and one the bulk load seeded (ids, UIDs, counters, search
// vectors and blobs included). What cannot match is left out: the password
// hash (bcrypt salts it) and the times rows were made at (now()).
import pg from 'pg';

/** Columns that differ between any two seeds, by table. */
const UNCOMPARED: Record<string, readonly string[]> = {
  users: ['password_hash', 'created_at'],
  folders: ['created_at'],
};

/** The migration runner's own bookkeeping (applied at times of its own), not the seed's rows. */
const NOT_SEEDED = /^_prisma_migrations$/;

/** table → its rows as sorted JSON lines, the uncompared columns left out. */
export async function seedSnapshot(url: string): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.name);
    const snapshot = new Map<string, string[]>();
    for (const table of tables.filter((t) => !NOT_SEEDED.test(t))) {
      const { rows } = await client.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM "${table}" t`);
      const lines = rows.map(({ row }) => {
        for (const column of UNCOMPARED[table] ?? []) delete row[column];
        return JSON.stringify(row, Object.keys(row).sort());
      });
      snapshot.set(table, lines.sort());
    }
    return snapshot;
  } finally {
    await client.end();
  }
}

/** Every difference between two snapshots, at most `max` of them, as lines a person can read. */
export function seedDifferences(engine: Map<string, string[]>, bulk: Map<string, string[]>, max = 10): string[] {
  const out: string[] = [];
  for (const table of new Set([...engine.keys(), ...bulk.keys()])) {
    const a = engine.get(table) ?? [];
    const b = bulk.get(table) ?? [];
    if (a.length !== b.length) out.push(`${table}: ${a.length} rows through the engine, ${b.length} in bulk`);
    const inB = new Set(b);
    const inA = new Set(a);
    for (const row of a) if (!inB.has(row)) out.push(`${table}: only through the engine: ${row.slice(0, 400)}`);
    for (const row of b) if (!inA.has(row)) out.push(`${table}: only in bulk: ${row.slice(0, 400)}`);
  }
  return out.slice(0, max);
}

/** A table's row count in a snapshot (0 when it has none). */
export const rowsIn = (snapshot: Map<string, string[]>, table: string) => snapshot.get(table)?.length ?? 0;
