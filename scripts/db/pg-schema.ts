// npm run db:schema:pg [-- --name <what changed>]: derives the PostgreSQL
// schema from prisma/schema.prisma (derive-pg-schema.ts) and, when it
// changed, writes the migration from the last derived schema to the new one
// with `prisma migrate diff --script`, then the PostgreSQL client. The server
// applies prisma/postgresql/migrations on start (storage/postgres/pg-migrate.ts).
//
// Prisma's JS engine diffs two schema files without reading any database,
// but insists on connecting through its adapter first: it gets an empty
// scratch database, made on PG_SCRATCH_URL's server (default: the local one)
// and dropped after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { derivePgSchemaFromRepo, PG_MIGRATIONS, PG_SCHEMA, REPO_ROOT, withScratchDatabase, prismaPg } from './derive-pg-schema.js';

async function main(): Promise<void> {
  const name = argValue('--name') ?? 'schema';
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('--name: lower-case letters, digits and _ only');
  const next = derivePgSchemaFromRepo();
  const previous = fs.existsSync(PG_SCHEMA) ? fs.readFileSync(PG_SCHEMA, 'utf8') : null;
  if (previous === next) {
    console.log('prisma/postgresql/schema.prisma is up to date');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-pg-schema-'));
  try {
    // The CLI reads the generator from the configured schema: the new one goes in place first.
    const previousFile = path.join(tmp, 'previous.prisma');
    if (previous !== null) fs.writeFileSync(previousFile, previous);
    fs.writeFileSync(PG_SCHEMA, next);
    const from = previous === null ? ['--from-empty'] : ['--from-schema-datamodel', previousFile];
    const sql = await withScratchDatabase((url) => prismaPg(['migrate', 'diff', ...from, '--to-schema-datamodel', PG_SCHEMA, '--script'], url));
    const dir = path.join(PG_MIGRATIONS, `${timestamp(new Date())}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    console.log(`wrote ${path.relative(REPO_ROOT, dir)}/migration.sql and prisma/postgresql/schema.prisma`);
  } catch (err) {
    if (previous === null) fs.rmSync(PG_SCHEMA, { force: true });
    else fs.writeFileSync(PG_SCHEMA, previous);
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  prismaPg(['generate', '--no-hints']);
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Migration folders sort by this prefix, as Prisma's own do. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
