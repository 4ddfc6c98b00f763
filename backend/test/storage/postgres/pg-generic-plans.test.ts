// ChitBox's connections to PostgreSQL plan every statement for its values
// (pg-database.ts, PLANNED_PER_RUN). A named statement otherwise settles on
// one generic plan per connection after five runs; settled while the tables
// were nearly empty, as on a young database before autovacuum's first
// ANALYZE, that plan reads the whole of mail_messages for every delivery
// batch after it. Here the batch's claim statement runs eight times on a
// one-message mailbox, on a plain connection and on one of ChitBox's; 20,000
// messages arrive, and its plans are read again: the plain connection's
// generic plan scans them all, ChitBox's looks them up in their indexes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PG_BATCH_SQL } from '../../../src/storage/postgres/pg-batch-sql.js';
import { openPgDatabase, type PgDatabase } from '../../../src/storage/postgres/pg-database.js';
import { openPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg-test-db.js';
import { makeDraft } from '../contract/mail-store-contract.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const MESSAGES = 20_000;
let db: TestDatabase;
let plain: pg.Client;
let database: PgDatabase;
let chitbox: pg.PoolClient;
let userId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 1, statementTimeoutMs: 30_000 });
  const user = await store.users.create({ email: 'young@example.test', name: null, passwordHash: 'h' });
  userId = user.id;
  const inbox = (await store.folders.findByKind(user.id, 'inbox'))!.id;
  await store.openDelivery(Buffer.from('Subject: first\r\n\r\nx\r\n')).commit({ copies: [makeDraft(user, inbox, 0)], attachments: [], outbound: null, searchText: null });
  await store.close();
  plain = new pg.Client({ connectionString: db.url });
  await plain.connect();
  // Autovacuum must not analyze the table in the middle of the test (that would re-plan it).
  await plain.query('ALTER TABLE mail_messages SET (autovacuum_enabled = false)');
  database = await openPgDatabase({ url: db.url, poolSize: 1, statementTimeoutMs: 30_000 });
  chitbox = await database.pool.connect();
});

afterAll(async () => {
  chitbox?.release();
  await database?.close();
  await plain?.end();
  await db?.drop();
});

/** The claim of one copy whose Message-ID replies may name (its `children` lookup). */
const claimValues = (mid: string) => ['[]', '[]', '[]', JSON.stringify([{ k: 0, user_id: userId, mid }]), '{}', 1, 0, 0];

async function seqScannedTables(client: pg.ClientBase): Promise<string[]> {
  const values = claimValues('asked@example.test').map((v) => (typeof v === 'number' ? v : `'${v}'`)).join(', ');
  const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE chitbox_claim(${values})`);
  const scanned: string[] = [];
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) scanned.push(node['Relation Name']);
    node.Plans?.forEach(walk);
  };
  walk(rows[0]!['QUERY PLAN'][0]!.Plan);
  return scanned;
}

describe('a delivery batch on a young PostgreSQL database', () => {
  it('is planned for its values on ChitBox\'s connections, where a generic plan from the empty tables scans every message', async () => {
    for (const client of [plain, chitbox]) {
      for (let i = 0; i < 8; i++) await client.query({ name: 'chitbox_claim', text: PG_BATCH_SQL.claim, values: claimValues(`m${i}@example.test`) });
    }
    await plain.query(`INSERT INTO mail_messages (user_id, folder_id, thread_id, message_id, in_reply_to, "references", from_email, from_name,
        to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred, has_attachments, sent_at, created_at,
        received_header, raw_sha256, size_bytes, uid, modseq, is_draft)
      SELECT user_id, folder_id, thread_id, 'bulk' || g || '@example.test', in_reply_to, "references", from_email, from_name,
        to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred, has_attachments, sent_at, created_at,
        received_header, raw_sha256, size_bytes, uid + g, modseq, is_draft
      FROM mail_messages m CROSS JOIN generate_series(1, ${MESSAGES}) g WHERE m.id = (SELECT min(id) FROM mail_messages)`);

    expect(await seqScannedTables(plain)).toContain('mail_messages');
    expect(await seqScannedTables(chitbox)).not.toContain('mail_messages');
  });
});
