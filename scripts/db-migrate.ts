// npm run db:migrate: applies pending migrations to the configured database
// (the server also does this on every start).
import 'dotenv/config';
import { loadConfig } from '../backend/src/config/config.js';
import { applyMigrations } from '../backend/src/storage/sqlite/migrate.js';

const config = loadConfig();
const { applied } = applyMigrations(config.database.filePath);
console.log(applied.length ? `applied: ${applied.join(', ')}` : `up to date: ${config.database.filePath}`);
