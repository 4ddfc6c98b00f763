// The Prisma CLI for the PostgreSQL schema (npm run db:schema:pg): it diffs
// schema files and generates the client. The JS engine needs a driver
// adapter to be configured, but a diff of two schema files never connects,
// so the adapter is never used: Prisma Migrate through @prisma/adapter-pg
// cannot introspect a real database (it cannot read PostgreSQL's `name`
// type), and the server applies migrations with its own runner
// (docs/architecture.md, "PostgreSQL").
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost/chitbox' });
  },
});
