// bench:read's bulk seed on PostgreSQL stores exactly the rows the engine
// stores for the same seed: two fresh databases, one seeded through
// openPostgresStore's delivery path and search backfill, one by the bulk
// load, compared table by table, field by field (scripts/bench/read-seed-check.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDifferences, seedSnapshot, rowsIn } from '../../../scripts/bench/read-seed-check.js';
import { seedPostgresBulk, seedPostgresThroughEngine } from '../../../scripts/bench/read-seed-pg.js';
import { OPEN_THREAD_SIZE } from '../../../scripts/bench/read-seed.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-test-db.js';

// Not a multiple of a delivery (100): the last one is short. 20 threads: thread 0's 50 and 19 others interleaved.
const MESSAGES = 430;
const THREADS = 20;

describe('bench:read seed on PostgreSQL', () => {
  let engineDb: TestDatabase;
  let bulkDb: TestDatabase;
  beforeAll(async () => {
    [engineDb, bulkDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([engineDb?.drop(), bulkDb?.drop()]);
  });

  it('the bulk load writes the rows the engine writes', async () => {
    const quiet = () => {};
    const viaEngine = await seedPostgresThroughEngine(engineDb.url, MESSAGES, THREADS, quiet);
    const inBulk = await seedPostgresBulk(bulkDb.url, MESSAGES, THREADS, quiet);
    expect(inBulk.openThreadId).toBe(viaEngine.openThreadId);
    const [engine, bulk] = await Promise.all([seedSnapshot(engineDb.url), seedSnapshot(bulkDb.url)]);
    expect(rowsIn(engine, 'mail_messages')).toBe(MESSAGES);
    expect(rowsIn(engine, 'mail_threads')).toBe(THREADS);
    expect(rowsIn(engine, 'thread_summaries')).toBe(THREADS);
    expect(rowsIn(engine, 'message_search')).toBe(MESSAGES);
    expect(rowsIn(engine, 'blob_chunks')).toBe(Math.ceil(MESSAGES / 100));
    expect(seedDifferences(engine, bulk)).toEqual([]);
    // The thread the bench opens, and the Inbox's counters as /api/folders serves them.
    const inbox = JSON.parse(engine.get('folders')!.find((f) => f.includes('"kind":"inbox"'))!) as { total_count: number; unread_count: number };
    expect(inbox.total_count).toBe(MESSAGES);
    expect(inbox.unread_count).toBe(MESSAGES - Math.ceil(MESSAGES / 3));
    const open = engine.get('thread_summaries')!.map((r) => JSON.parse(r) as { thread_id: number; message_count: number });
    expect(open.find((s) => s.thread_id === viaEngine.openThreadId)?.message_count).toBe(OPEN_THREAD_SIZE);
  });
});
