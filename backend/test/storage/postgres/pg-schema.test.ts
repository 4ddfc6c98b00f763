// The PostgreSQL schema and migrations never drift from prisma/schema.prisma:
// the committed derived schema is what `npm run db:schema:pg` would write
// now, and the committed migrations, applied by our runner, build exactly the
// database that schema describes (compared catalog to catalog with the one
// Prisma's own `migrate diff --from-empty` script builds).
import fs from 'node:fs';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { derivePgSchemaFromRepo, PG_SCHEMA, prismaPg } from '../../../../scripts/db/derive-pg-schema.js';
import { applyPgMigrations } from '../../../src/storage/postgres/pg-migrate.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/pg-test-db.js';

const made: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => d.drop()));
});

/** Tables, columns with their types, nullability and defaults, indexes and constraints: what a migration can change. */
async function catalog(client: pg.ClientBase): Promise<string[]> {
  const columns = await client.query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || datetime_precision || ')', '')
       || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await client.query<{ line: string }>(
    `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  const constraints = await client.query<{ line: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
     FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`,
  );
  return [...columns.rows, ...indexes.rows, ...constraints.rows].map((r) => r.line).sort();
}

describe('PostgreSQL schema and migrations', () => {
  it('prisma/postgresql/schema.prisma is derived from prisma/schema.prisma as it is now (else: npm run db:schema:pg)', () => {
    expect(fs.readFileSync(PG_SCHEMA, 'utf8')).toBe(derivePgSchemaFromRepo());
  });

  it('maps every DateTime to timestamptz and leaves out the SQLite-only blob table', () => {
    const schema = fs.readFileSync(PG_SCHEMA, 'utf8');
    const dateTimes = schema.split('\n').filter((l) => /^\s+\w+\s+DateTime\??\s/.test(l));
    expect(dateTimes.length).toBeGreaterThan(5);
    expect(dateTimes.filter((l) => !l.includes('@db.Timestamptz(3)'))).toEqual([]);
    expect(schema).not.toMatch(/model SmallBlob/);
    expect(schema).toMatch(/model BlobChunk/);
  });

  it('the committed migrations build the database the derived schema describes', async () => {
    const [migrated, direct] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    made.push(migrated, direct);
    // The CLI connects (to the empty database) but reads nothing from it.
    const script = prismaPg(['migrate', 'diff', '--from-empty', '--to-schema-datamodel', PG_SCHEMA, '--script'], direct.url);
    const fromMigrations = await withClient(migrated.url, async (c) => {
      expect((await applyPgMigrations(c)).applied.length).toBeGreaterThan(0);
      return catalog(c);
    });
    const fromSchema = await withClient(direct.url, async (c) => {
      await c.query(script);
      return catalog(c);
    });
    expect(fromMigrations.length).toBeGreaterThan(50);
    expect(fromMigrations).toEqual(fromSchema);
  });
});
