// What the repositories need of an engine: a Prisma client for reads that
// sees only committed data, and write transactions run one after another.
// Each engine opens its own (sqlite/sqlite-database.ts); the repositories use
// Prisma's query API only, so they are the same on every engine.
import type { PrismaClient } from '@prisma/client';

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface PrismaDatabase {
  readonly read: PrismaClient;
  /** runs fn in one write transaction, after every earlier write */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Prisma's code for a unique constraint that a write would break. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === 'P2002';
