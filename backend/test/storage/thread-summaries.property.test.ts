// Thread summaries and folder counters against a from-scratch computation,
// after random sequences of deliveries (replies before their parents, copies
// of one Message-ID, messages joining two conversations, several deliveries
// in one group commit), moves, flag changes and deletes, through the real
// store of the run's engine: SQLite on a real database file, or PostgreSQL on
// a database of its own in the suite's PostgreSQL run (CHITBOX_TEST_DATABASE,
// as .ci/run does; the same runs on each engine, once each). The expected
// values are computed
// from the message rows alone (support/summary-oracle.ts), not by the
// engine's summary code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyDraft, MailStore } from '../../src/storage/mail-store.js';
import type { UserRecord } from '../../src/storage/records.js';
import { openPostgresStore } from '../../src/storage/postgres/pg-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { createTestDatabase, onPostgres } from '../support/pg-test-db.js';
import { pgPeek, sqlitePeek, type SqlPeek } from '../support/sql-peek.js';
import { expectSummariesMatch } from '../support/summary-oracle.js';

const IDS = Array.from({ length: 8 }, (_, i) => `m${i}@pool.test`);
const SENDERS = ['Ann@a.test', 'ann@A.test', 'bo@b.test', 'cy@c.test'];
const KINDS = ['inbox', 'archive', 'trash', 'spam'] as const;

const deliverOp = fc.record({
  kind: fc.constant('deliver' as const),
  messageId: fc.option(fc.constantFrom(...IDS), { nil: null }),
  inReplyTo: fc.option(fc.constantFrom(...IDS), { nil: null }),
  references: fc.subarray(IDS, { maxLength: 3 }),
  from: fc.constantFrom(...SENDERS),
  to: fc.subarray(SENDERS, { maxLength: 2 }),
  folder: fc.constantFrom(...KINDS),
  isRead: fc.boolean(),
  bothUsers: fc.boolean(),
  /** minutes after the run's start; equal times happen (ties broken by id) */
  minute: fc.integer({ min: 0, max: 20 }),
  subject: fc.constantFrom('', 'Plans', 'Re: Plans'),
});
const pick = fc.nat({ max: 50 });
const op = fc.oneof(
  { arbitrary: deliverOp, weight: 5 },
  { arbitrary: fc.array(deliverOp, { minLength: 2, maxLength: 4 }).map((batch) => ({ kind: 'batch' as const, batch })), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), pick, folder: fc.constantFrom(...KINDS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('flag' as const), pick, isRead: fc.option(fc.boolean(), { nil: undefined }), isStarred: fc.option(fc.boolean(), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick, count: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
);
type Deliver = typeof deliverOp extends fc.Arbitrary<infer T> ? T : never;
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Opened {
  store: MailStore;
  peek: SqlPeek;
  dispose(): Promise<void>;
}

const ENGINES: Record<'sqlite' | 'postgresql', () => Promise<Opened>> = {
  async sqlite() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-summaries-'));
    const file = path.join(dir, 'chitbox.db');
    const store = await openSqliteStore({ filePath: file, busyTimeoutMs: 5000, blobRoot: path.join(dir, 'blobs'), inlineMaxBytes: 65536, searchTimeoutMs: 10_000 });
    const peek = sqlitePeek(new Database(file, { readonly: true }));
    return { store, peek, dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
  async postgresql() {
    const db = await createTestDatabase();
    const store = await openPostgresStore({ url: db.url, poolSize: 3, statementTimeoutMs: 30_000 });
    return { store, peek: await pgPeek(db.url), dispose: () => db.drop() };
  },
};

let store: MailStore;
let peek: SqlPeek;
let run = 0;

describe.each([onPostgres ? 'postgresql' : 'sqlite'] as const)('thread summaries on %s', (engine) => {
  let opened: Opened | undefined;
  beforeAll(async () => {
    opened = await ENGINES[engine]();
    ({ store, peek } = opened);
  });

  afterAll(async () => {
    await opened?.peek.close();
    await opened?.store.close();
    await opened?.dispose();
  });

  it('equal a from-scratch computation after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const users = await twoUsers();
        for (const o of ops) await apply(users, o);
        await expectSummariesMatch(peek);
        await expectRelatedShareAThread();
        await expectPagesWalkEveryThread(users);
      }),
      { numRuns: 30 },
    );
    // A fixed amount of work, not a race: the limit only catches a hang, however busy the machine.
  }, 600_000);
});

interface TestUser {
  user: UserRecord;
  folders: Record<(typeof KINDS)[number], number>;
}

async function twoUsers(): Promise<[TestUser, TestUser]> {
  run++;
  const make = async (name: string): Promise<TestUser> => {
    const user = await store.users.create({ email: `${name}${run}@here.test`, name, passwordHash: 'x' });
    const folders = Object.fromEntries(
      await Promise.all(KINDS.map(async (k) => [k, (await store.folders.findByKind(user.id, k))!.id] as const)),
    ) as TestUser['folders'];
    return { user, folders };
  };
  return [await make('u'), await make('v')];
}

async function apply(users: [TestUser, TestUser], o: Op): Promise<void> {
  const [u] = users;
  if (o.kind === 'deliver') return deliver(users, o);
  if (o.kind === 'batch') {
    await Promise.all(o.batch.map((d) => deliver(users, d)));
    return;
  }
  const ids = (await peek.all<{ id: number }>('SELECT id FROM mail_messages WHERE user_id = ? ORDER BY id', u.user.id)).map((r) => r.id);
  if (ids.length === 0) return;
  const chosen = ids[o.pick % ids.length]!;
  if (o.kind === 'move') await store.messages.update(u.user.id, [chosen], { folderId: u.folders[o.folder] });
  if (o.kind === 'flag') await store.messages.update(u.user.id, [chosen], { isRead: o.isRead, isStarred: o.isStarred });
  if (o.kind === 'delete') await store.messages.deleteForGood(u.user.id, ids.slice(o.pick % ids.length, (o.pick % ids.length) + o.count));
}

async function deliver(users: [TestUser, TestUser], d: Deliver): Promise<void> {
  const at = new Date(Date.UTC(2026, 11, 1, 9, d.minute));
  const copy = (t: TestUser): CopyDraft => ({
    userId: t.user.id, folderId: t.folders[d.folder], messageId: d.messageId, inReplyTo: d.inReplyTo, references: d.references,
    fromEmail: d.from, fromName: d.from.split('@')[0]!, to: d.to.map((address) => ({ address, name: '' })), cc: [],
    subject: d.subject, snippet: `snippet ${d.minute}`, bodyText: 'body', untrustedHtml: '', isRead: d.isRead,
    sentAt: at, createdAt: at, receivedHeader: 'Received: test\r\n', sizeBytes: 10, quotaBytes: null,
    mailbox: t.user.email, queueWebhook: false,
  });
  const copies = d.bothUsers ? users.map(copy) : [copy(users[0])];
  const searchText = { subject: d.subject, sender: '', recipients: '', body: 'body', attachments: '' };
  await store.openDelivery(Buffer.from(`raw ${Math.random()}`)).commit({ copies, attachments: [], outbound: null, searchText });
}

/**
 * A reply and its parent (whichever arrived first), and two copies of one
 * Message-ID, are in one thread. (A message naming an earlier one only in
 * References joins it too, but one arriving later does not pull it in.)
 */
async function expectRelatedShareAThread(): Promise<void> {
  const rows = await peek.all<{
    id: number; user_id: number; thread_id: number; message_id: string | null; in_reply_to: string | null;
  }>('SELECT id, user_id, thread_id, message_id, in_reply_to FROM mail_messages');
  const threadsOf = new Map<string, Set<number>>();
  for (const r of rows) if (r.message_id) threadsOf.set(`${r.user_id} ${r.message_id}`, (threadsOf.get(`${r.user_id} ${r.message_id}`) ?? new Set()).add(r.thread_id));
  for (const [key, threads] of threadsOf) expect([key, threads.size]).toEqual([key, 1]);
  for (const r of rows) {
    const parent = r.in_reply_to ? threadsOf.get(`${r.user_id} ${r.in_reply_to}`) : undefined;
    if (parent) expect([r.id, [...parent][0]]).toEqual([r.id, r.thread_id]);
  }
}

/** Paging the list three at a time gives every summary once, newest first. */
async function expectPagesWalkEveryThread(users: [TestUser, TestUser]): Promise<void> {
  for (const t of users) {
    for (const kind of KINDS) {
      const seen: Array<{ id: number; at: number }> = [];
      let cursor: string | null = null;
      do {
        const page = await store.messages.listThreadsInFolder(t.user.id, t.folders[kind], 3, cursor);
        seen.push(...page.items.map((i) => ({ id: i.id, at: i.lastMessageAt.getTime() })));
        cursor = page.nextCursor;
      } while (cursor);
      const stored = (
        await peek.all<{ id: number }>('SELECT thread_id AS id FROM thread_summaries WHERE folder_id = ? ORDER BY last_message_at DESC, thread_id DESC', t.folders[kind])
      ).map((r) => r.id);
      expect(seen.map((s) => s.id)).toEqual(stored);
    }
  }
}
