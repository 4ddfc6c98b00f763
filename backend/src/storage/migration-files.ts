// The migrations of an engine: folders named <timestamp>_<what>, each with a
// migration.sql, applied in the order of their names (Prisma's own layout).
import fs from 'node:fs';
import path from 'node:path';

export function listMigrations(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}
