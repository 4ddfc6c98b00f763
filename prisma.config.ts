// Prisma CLI configuration: the JS engine with the better-sqlite3 adapter, so
// no native engine binary is ever downloaded. The server itself does not read
// this file; it applies prisma/migrations on start (backend/src/storage/migrate.ts).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
const url = process.env.DATABASE_URL ?? `file:${path.join(dataDir, 'chitbox.db')}`;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
