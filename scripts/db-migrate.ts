// npm run db:migrate: applies pending migrations to the configured database,
// SQLite or PostgreSQL (the server also does this on every start).
import 'dotenv/config';
import pg from 'pg';
import { loadConfig } from '../backend/src/config/config.js';
import { applyPgMigrations } from '../backend/src/storage/postgres/pg-migrate.js';
import { applyMigrations } from '../backend/src/storage/sqlite/migrate.js';

const config = loadConfig();
const db = config.database;
let applied: string[];
if (db.engine === 'postgresql') {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    applied = (await applyPgMigrations(client)).applied;
  } finally {
    await client.end();
  }
} else {
  applied = applyMigrations(db.filePath).applied;
}
console.log(applied.length ? `applied: ${applied.join(', ')}` : `up to date: ${db.display}`);
