// Applies prisma/migrations/*/migration.sql in order, recording each in
// Prisma's own `_prisma_migrations` table (same columns and checksum), so the
// server migrates itself on start without spawning the Prisma CLI, and
// `prisma migrate deploy` / `status` agree with what it did.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listMigrations } from '../migration-files.js';
import Database from 'better-sqlite3';
import { writePlannerStats } from './planner-stats.js';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../../prisma/migrations');

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface MigrationResult {
  applied: string[];
}

export function applyMigrations(dbFile: string, dir = MIGRATIONS_DIR): MigrationResult {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  try {
    // WAL is a property of the file: set once here, kept by every connection.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(CREATE_TABLE);
    const done = new Set(
      db
        .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
        .all()
        .map((r) => (r as { migration_name: string }).migration_name),
    );
    const applied: string[] = [];
    for (const name of listMigrations(dir)) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      db.transaction(() => {
        db.exec(sql);
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), checksum, Date.now(), name, Date.now());
      })();
      applied.push(name);
    }
    writePlannerStats(db);
    return { applied };
  } finally {
    db.close();
  }
}
