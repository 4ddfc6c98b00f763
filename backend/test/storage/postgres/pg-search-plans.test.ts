// The plans of full-text search on PostgreSQL, on a mailbox seeded as
// bench:read seeds it (scripts/bench/read-seed-pg.ts) and analyzed, as they
// run (EXPLAIN ANALYZE: which steps ran, and how many rows each read). Every
// search first reads a bounded stretch of the user's newest index rows in id
// order (WALKS): a word in every third message fills the rank
// window there and the GIN index is never asked. A rare word, and a phrase
// (which PostgreSQL estimates as its two words together, several times the
// messages that hold it), go on to the GIN index after that stretch, never on
// a walk of a btree past it. The index rows carry owner and arrival time:
// mail_messages is read only for a filter on what can change. (Measured in
// docs/performance.md, "Reading a big mailbox".)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_WORD, PHRASE, RARE_WORD } from '../../../../scripts/bench/read-seed.js';
import { seedPostgresBulk } from '../../../../scripts/bench/read-seed-pg.js';
import type { SearchSpec } from '../../../src/storage/mail-store.js';
import { PG_RANK_WINDOW, PG_RECENT_STRETCH, pgSearchIdsQuery } from '../../../src/storage/postgres/pg-search-sql.js';
import { TS_RANK_WEIGHTS } from '../../../src/storage/postgres/pg-tsvector.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/pg-test-db.js';

const MESSAGES = 40_000;

function textSpec(text: string, isRead: boolean | null = null): SearchSpec {
  return {
    fts5Match: `"${text}"`, fts5Exclude: null, tsquery: text.split(' ').map((w) => `'${w}'`).join(' <-> '), folders: [], excludedFolders: [],
    isRead, isStarred: null, hasAttachments: null, sentOnOrAfter: null, sentBefore: null,
  };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Scan Direction'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

/** The rank window said plainly (the newest matches, ranked), for the answers to compare with. */
const REFERENCE = `SELECT id FROM (
    SELECT m.id, m.created_at, ts_rank('${TS_RANK_WEIGHTS}', s.tsv, $1::tsquery) AS score
    FROM message_search s JOIN mail_messages m ON m.id = s.message_id
    WHERE s.tsv @@ $1::tsquery AND m.user_id = 1 AND ($4::boolean IS NULL OR m.is_read = $4)
    ORDER BY s.message_id DESC LIMIT $2) hits
  ORDER BY score DESC, created_at DESC, id DESC LIMIT $3`;

/**
 * The walks of the newest rows: the user's btree, or (a mailbox that is the
 * whole table, as here, where PostgreSQL may prefer it) the primary key with
 * the owner as a filter. Either reads rows in id order and stops.
 */
const WALKS = ['message_search_user_id_message_id_idx', 'message_search_pkey'];

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe('search plans on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedPostgresBulk(db.url, MESSAGES, MESSAGES / 20, () => {});
  }, 300_000);
  afterAll(async () => {
    await db?.drop();
  });

  /** The plan's scans, as run: the walk of the user's newest index rows and the GIN lookup, rows read (0: never run). */
  const run = (text: string, isRead: boolean | null = null) =>
    withClient(db.url, async (client) => {
      const query = pgSearchIdsQuery(1, textSpec(text, isRead), 0, 51);
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, query.values);
      const all = nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
      const ran = (n: PlanNode) => n['Actual Loops'] > 0;
      return {
        walked: all.filter((n) => WALKS.includes(n['Index Name'] ?? '') && n['Scan Direction'] === 'Backward')
          .reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0),
        gin: all.some((n) => ran(n) && n['Node Type'] === 'Bitmap Index Scan' && n['Index Name'] === 'message_search_tsv_idx'),
        seqScan: all.some((n) => ran(n) && n['Node Type'] === 'Seq Scan'),
        messagesRead: all.some((n) => ran(n) && n['Relation Name'] === 'mail_messages'),
        hits: (await client.query<{ id: number }>(query.text, query.values)).rows.map((r) => r.id),
        expected: (await client.query<{ id: number }>(REFERENCE, [textSpec(text).tsquery, PG_RANK_WINDOW, 51, isRead])).rows.map((r) => r.id),
      };
    });

  it('a common word: the window filled within the stretch of the newest rows; the GIN index not asked', async () => {
    const plan = await run(COMMON_WORD);
    expect(plan.walked).toBeGreaterThanOrEqual(PG_RANK_WINDOW);
    expect(plan.walked).toBeLessThan(PG_RECENT_STRETCH);
    expect(plan.gin).toBe(false);
    expect(plan.seqScan).toBe(false);
    expect(plan.messagesRead).toBe(false);
    expect(plan.hits).toHaveLength(51);
    expect(plan.hits).toEqual(plan.expected);
  });

  it('a rare word: the stretch, then the GIN index', async () => {
    const plan = await run(RARE_WORD);
    expect(plan.walked).toBe(PG_RECENT_STRETCH);
    expect(plan.gin).toBe(true);
    expect(plan.seqScan).toBe(false);
    expect(plan.messagesRead).toBe(false);
    expect(plan.hits).toHaveLength(MESSAGES / 20_000);
    expect(plan.hits).toEqual(plan.expected);
  });

  it('a phrase: the stretch, then the GIN index, whatever the estimate; the newest matches ranked', async () => {
    const plan = await run(PHRASE);
    expect(plan.walked).toBe(PG_RECENT_STRETCH);
    expect(plan.gin).toBe(true);
    expect(plan.seqScan).toBe(false);
    expect(plan.messagesRead).toBe(false);
    expect(plan.hits).toHaveLength(51);
    expect(plan.hits).toEqual(plan.expected);
  });

  it('a filter on what can change (read or not) reads each candidate’s message, with the same answer as the window said plainly', async () => {
    const plan = await run(PHRASE, false);
    expect(plan.gin).toBe(true);
    expect(plan.seqScan).toBe(false);
    expect(plan.messagesRead).toBe(true);
    expect(plan.hits.length).toBeGreaterThan(0);
    expect(plan.hits).toEqual(plan.expected);
  });
});
