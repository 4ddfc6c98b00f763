// Every list the API pages through, as the repositories really send it:
// the SQL Prisma generates is captured from its query log and handed to
// SQLite's EXPLAIN QUERY PLAN on a freshly migrated database. A list that
// would scan mail_messages, walk a table, or sort in a temporary b-tree
// (which reads every matching row before the first is returned) fails here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/storage/cursor.js';
import { AccountRepo } from '../../src/storage/prisma/account-repo.js';
import { ChatRepo } from '../../src/storage/prisma/chat-repo.js';
import { FolderRepo } from '../../src/storage/prisma/folder-repo.js';
import { MessageRepo } from '../../src/storage/prisma/message-repo.js';
import { OutboundRepo } from '../../src/storage/prisma/outbound-repo.js';
import type { PrismaDatabase } from '../../src/storage/prisma/prisma-database.js';
import { applyMigrations } from '../../src/storage/sqlite/migrate.js';
import { PLANNED_TABLES, PLANNER_STATS } from '../../src/storage/sqlite/planner-stats.js';
import { FLAG_SQL } from '../../src/storage/sqlite/flag-changes.js';
import { DELIVERY_SQL } from '../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { SEARCH_HITS_SQL } from '../../src/storage/sqlite/search/search-sql.js';

let dir: string;
let client: PrismaClient<{ log: [{ emit: 'event'; level: 'query' }] }>;
let plain: Database.Database;
const logged: Array<{ query: string; params: string }> = [];
let messages: MessageRepo;
let folders: FolderRepo;
let accounts: AccountRepo;
let outbound: OutboundRepo;
let chat: ChatRepo;
const cursor = encodeCursor({ at: new Date(Date.UTC(2026, 0, 1)), id: 5000 });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-plans-'));
  const file = path.join(dir, 'chitbox.db');
  applyMigrations(file);
  plain = new Database(file, { readonly: true });
  client = new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: `file:${file}` }),
    log: [{ emit: 'event', level: 'query' }],
  }) as typeof client;
  client.$on('query', (e) => logged.push({ query: e.query, params: e.params }));
  const db: PrismaDatabase = { read: client, write: (fn) => client.$transaction((tx) => fn(tx)) };
  const release = async () => {};
  const ownStatements = () => Promise.reject(new Error('the engine\'s own statements are not Prisma\'s'));
  messages = new MessageRepo(db, {
    search: () => Promise.reject(new Error('search has its own plan test')), reads: { meta: ownStatements, bodies: ownStatements }, releaseBlobs: release,
  });
  folders = new FolderRepo(db);
  accounts = new AccountRepo(db, release);
  outbound = new OutboundRepo(db, release);
  chat = new ChatRepo(db);
});

afterAll(async () => {
  plain?.close();
  await client?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The plan lines of every SELECT `fn` sends (not the totals' COUNTs), one list per statement, in order. */
async function plansOf(fn: () => Promise<unknown>): Promise<string[][]> {
  logged.length = 0;
  await fn();
  const selects = logged.filter((q) => /^\s*SELECT/i.test(q.query) && !/\bCOUNT\(/i.test(q.query));
  expect(selects.length).toBeGreaterThan(0);
  return selects.map(({ query, params }) => {
    const values = (JSON.parse(params) as unknown[]).map((v) => (typeof v === 'boolean' ? Number(v) : v));
    // Prisma names tables with their schema (main.users); the plans here do not
    return (plain.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...values) as Array<{ detail: string }>).map((r) => r.detail.replace(/\bmain\./g, ''));
  });
}

function expectIndexed(plan: string[], table: string, index: string): void {
  const line = plan.find((l) => l.startsWith(`SEARCH ${table} `));
  expect(line, plan.join(' | ')).toContain(index);
  expect(plan.filter((l) => l.startsWith('SCAN ')), plan.join(' | ')).toEqual([]);
  expect(plan.filter((l) => l.includes('TEMP B-TREE')), plan.join(' | ')).toEqual([]);
}

describe('query plans of the lists', () => {
  it('threads of a folder: a range of the summaries index, first page and by cursor', async () => {
    for (const c of [null, cursor]) {
      const [plan] = await plansOf(() => messages.listThreadsInFolder(1, 1, 50, c));
      expectIndexed(plan!, 'thread_summaries', 'thread_summaries_folder_id_last_message_at_thread_id_idx');
      if (c) expect(plan!.join()).toContain('last_message_at<?');
    }
  });

  it('messages of a folder: a range of (folder, created_at, id), first page and by cursor', async () => {
    for (const c of [null, cursor]) {
      const [plan] = await plansOf(() => messages.listInFolder(1, 1, 50, c));
      expectIndexed(plan!, 'mail_messages', 'mail_messages_folder_id_created_at_id_idx');
      if (c) expect(plan!.join()).toContain('created_at<?');
    }
  });

  it('opening a thread: its messages by the thread index, their attachments by message', async () => {
    const plans = await plansOf(async () => {
      await messages.listThread(1, 1);
      // listThread asks for attachments only when there are messages; the same statement Prisma sends then:
      await client.attachment.findMany({ where: { messageId: { in: [1, 2] } } });
    });
    expectIndexed(plans[0]!, 'mail_messages', 'mail_messages_thread_id_created_at_idx');
    expectIndexed(plans[1]!, 'attachments', 'attachments_message_id_idx');
  });

  it("folders with their counts: the user's folders alone (a handful, sorted), no count of messages", async () => {
    const plans = await plansOf(() => folders.listWithCounts(1));
    expect(plans.length).toBe(1);
    expect(plans[0]!.join(' | ')).not.toContain('mail_messages');
    expect(plans[0]![0]).toMatch(/^SEARCH folders USING INDEX folders_user_id_\w+ \(user_id=\?\)$/);
  });

  it('admin users after an id: the primary key', async () => {
    const [plan] = await plansOf(() => accounts.list(0, 100, 40));
    expect(plan!.join()).toMatch(/SEARCH users USING INTEGER PRIMARY KEY \(rowid>\?\)/);
  });

  it('the queue for one status after an id: (status, id)', async () => {
    const plans = await plansOf(() => outbound.page('failed', 0, 100, 40));
    expectIndexed(plans[0]!, 'outbound_queue', 'outbound_queue_status_id_idx');
  });
});

// Without statistics SQLite takes `user_id = ?` or `folder_id = ?` for a
// handful of rows and walks those indexes instead of the primary key or the
// thread index: at a million messages, marking a thread read cost 0.7 s
// (planner-stats.ts). These are the statements of a flag change, a move, a
// summary recount and the search hits, as sent.
describe('query plans of changes, on the fixed planner statistics', () => {
  it('every index of the planned tables has its statistics row, and no row names a missing index', () => {
    const indexes = (plain.prepare(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${PLANNED_TABLES.map(() => '?').join(', ')})`,
    ).all(...PLANNED_TABLES) as Array<{ name: string }>).map((r) => r.name).sort();
    expect(indexes).toEqual(Object.keys(PLANNER_STATS).sort());
    const rows = plain.prepare('SELECT idx FROM sqlite_stat1 WHERE tbl = ?').all('mail_messages') as Array<{ idx: string }>;
    expect(rows.length).toBe(Object.values(PLANNER_STATS).filter((s) => s.table === 'mail_messages').length);
  });

  it("the messages a change names: by primary key, not by the owner's index", async () => {
    const [plan] = await plansOf(() =>
      client.mailMessage.findMany({ where: { id: { in: [1, 2, 3] }, userId: 1 }, select: { id: true, folderId: true, uid: true, threadId: true } }),
    );
    expect(plan!.join(' | ')).toMatch(/^SEARCH mail_messages USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  });

  it("a thread's messages in one folder (the summary recount): by the thread index, not the folder's", async () => {
    const [plan] = await plansOf(() => client.mailMessage.findMany({ where: { threadId: 7, folderId: 1 }, select: { id: true, isRead: true } }));
    expectIndexed(plan!, 'mail_messages', 'mail_messages_thread_id_created_at_idx');
  });

  it('a flag change as the SQLite engine sends it (flag-changes.ts): rows by primary key, the recount by the thread index', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (plain.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan(FLAG_SQL.named, '[1,2,3]', 1)).toMatch(/^SEARCH mail_messages USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan(FLAG_SQL.setFlags, 1, null, 5, '[1,2,3]')).toMatch(/^SEARCH mail_messages USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan(FLAG_SQL.nextModseq, 1)).toMatch(/^SEARCH folders USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    expect(plan(FLAG_SQL.addUnread, 1, 1)).toMatch(/^SEARCH folders USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    const recount = plan(FLAG_SQL.flagCounts, 7, 1);
    expect(recount).toMatch(/^SEARCH mail_messages USING INDEX mail_messages_thread_id_created_at_idx \(thread_id=\?\)$/);
    for (const sql of [FLAG_SQL.summaryCounts, FLAG_SQL.setSummaryCounts]) {
      const params = sql === FLAG_SQL.summaryCounts ? [1, 7] : [0, 0, 1, 7];
      expect(plan(sql, ...params)).toMatch(/^SEARCH thread_summaries USING (INDEX sqlite_autoindex_thread_summaries_1|PRIMARY KEY) \(folder_id=\? AND thread_id=\?\)$/);
    }
  });

  it("a reply's parent and a conversation's copies at other users: one index by Message-ID serves both", async () => {
    const parent = (plain.prepare(`EXPLAIN QUERY PLAN ${DELIVERY_SQL.threadOf}`).all(1, 'a@b') as Array<{ detail: string }>).map((r) => r.detail);
    expect(parent.join(' | ')).toMatch(/^SEARCH mail_messages USING INDEX mail_messages_message_id_user_id_idx \(message_id=\? AND user_id=\?\)$/);
    const [copies] = await plansOf(() => chat.copiesOfThread(1, 7));
    expect(copies!.join(' | ')).toMatch(/SEARCH b USING INDEX mail_messages_message_id_user_id_idx \(message_id=\?\)/);
    expect(copies!.filter((l) => l.startsWith('SCAN ')), copies!.join(' | ')).toEqual([]);
  });

  it('the rows of search hits: by primary key', () => {
    const plan = (plain.prepare(`EXPLAIN QUERY PLAN ${SEARCH_HITS_SQL}`).all({ user: 1, ids: '[1,2,3]', headChars: 200 }) as Array<{ detail: string }>)
      .map((r) => r.detail);
    expect(plan.join(' | ')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  });
});
