// The plans of full-text search on PostgreSQL, on a mailbox seeded as
// bench:read seeds it (scripts/bench/read-seed-pg.ts) and analyzed: a word in
// every third message walks the index's primary key newest first and stops
// at the rank window, instead of fetching and sorting every match; a rare
// word is looked up in the GIN index. (Measured in docs/performance.md,
// "Reading a big mailbox".)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_WORD, RARE_WORD } from '../../../../scripts/bench/read-seed.js';
import { seedPostgresBulk } from '../../../../scripts/bench/read-seed-pg.js';
import type { SearchSpec } from '../../../src/storage/mail-store.js';
import { pgSearchIdsQuery } from '../../../src/storage/postgres/pg-search-sql.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/pg-test-db.js';

const MESSAGES = 40_000;

function wordSpec(word: string): SearchSpec {
  return {
    fts5Match: `"${word}"`, fts5Exclude: null, tsquery: `'${word}'`, folders: [], excludedFolders: [],
    isRead: null, isStarred: null, hasAttachments: null, sentOnOrAfter: null, sentBefore: null,
  };
}

describe('search plans on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedPostgresBulk(db.url, MESSAGES, MESSAGES / 20, () => {});
  });
  afterAll(async () => {
    await db?.drop();
  });

  const planOf = (word: string) =>
    withClient(db.url, async (client) => {
      const query = pgSearchIdsQuery(1, wordSpec(word), 0, 51);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query.text}`, query.values);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });

  it('a common word: the primary key backwards, stopped at the window; no sort of every match', async () => {
    const plan = await planOf(COMMON_WORD);
    expect(plan).toContain('Index Scan Backward using message_search_pkey');
    // Only the window is sorted (by score): no sort of the matches by age.
    expect(plan).not.toMatch(/Sort Key: m\.(created_at|id)/);
    expect(plan).not.toContain('Seq Scan');
    expect(plan).not.toContain('Bitmap Index Scan');
  });

  it('a rare word: the GIN index', async () => {
    expect(await planOf(RARE_WORD)).toContain('Bitmap Index Scan on message_search_tsv_idx');
  });
});
