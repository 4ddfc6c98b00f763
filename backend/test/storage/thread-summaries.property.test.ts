// Thread summaries and folder counters against a from-scratch computation,
// after random sequences of deliveries (replies before their parents, copies
// of one Message-ID, messages joining two conversations, several deliveries
// in one group commit), moves, flag changes and deletes, through the real
// SQLite store on a real database file. The expected values are computed
// here from the message rows alone, not by the engine's summary code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyDraft, MailStore } from '../../src/storage/mail-store.js';
import type { AddressRecord, UserRecord } from '../../src/storage/records.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

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

let dir: string;
let store: MailStore;
let peek: Database.Database;
let run = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-summaries-'));
  store = await openSqliteStore({ filePath: path.join(dir, 'chitbox.db'), busyTimeoutMs: 5000, blobRoot: path.join(dir, 'blobs'), inlineMaxBytes: 65536 });
  peek = new Database(path.join(dir, 'chitbox.db'), { readonly: true });
});

afterAll(async () => {
  peek?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('thread summaries', () => {
  it('equal a from-scratch computation after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const users = await twoUsers();
        for (const o of ops) await apply(users, o);
        expectSummariesMatch();
        expectRelatedShareAThread();
        await expectPagesWalkEveryThread(users);
      }),
      { numRuns: 40 },
    );
  });
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
  const ids = (peek.prepare('SELECT id FROM mail_messages WHERE user_id = ? ORDER BY id').pluck().all(u.user.id) as number[]);
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
  await store.openDelivery(Buffer.from(`raw ${Math.random()}`)).commit({ copies, attachments: [], outbound: null });
}

interface Row {
  id: number; user_id: number; folder_id: number; thread_id: number; message_id: string | null; in_reply_to: string | null;
  references: string; from_email: string; from_name: string; to_json: string; subject: string; snippet: string;
  is_read: number; is_starred: number; has_attachments: number; created_at: string; thread_subject: string;
}

function expectSummariesMatch(): void {
  const rows = peek
    .prepare('SELECT m.*, t.subject AS thread_subject FROM mail_messages m JOIN mail_threads t ON t.id = m.thread_id ORDER BY m.id')
    .all() as Row[];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.folder_id}:${r.thread_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const expected = [...groups.values()].map(expectedSummary).sort(byKey);
  const actual = (peek.prepare('SELECT * FROM thread_summaries').all() as Array<Record<string, unknown>>)
    .map((s) => ({
      folderId: s.folder_id, threadId: s.thread_id, userId: s.user_id, subject: s.subject,
      lastMessageAt: new Date(s.last_message_at as string).getTime(), lastMessageId: s.last_message_id,
      messageCount: s.message_count, unreadCount: s.unread_count, starredCount: s.starred_count,
      attachmentCount: s.attachment_count, snippet: s.snippet,
      participants: JSON.parse(s.participants as string) as AddressRecord[], recipients: JSON.parse(s.recipients as string) as AddressRecord[],
    }))
    .sort(byKey);
  expect(actual).toEqual(expected);

  const counts = peek.prepare('SELECT id, total_count AS total, unread_count AS unread FROM folders ORDER BY id').all();
  const fromRows = peek
    .prepare(`SELECT f.id, count(m.id) AS total, coalesce(sum(m.is_read = 0), 0) AS unread
      FROM folders f LEFT JOIN mail_messages m ON m.folder_id = f.id GROUP BY f.id ORDER BY f.id`)
    .all();
  expect(counts).toEqual(fromRows);
}

function expectedSummary(messages: Row[]) {
  const last = messages.reduce((a, b) => {
    const ta = new Date(a.created_at).getTime();
    const tb = new Date(b.created_at).getTime();
    return tb > ta || (tb === ta && b.id > a.id) ? b : a;
  });
  const people = (list: AddressRecord[]) => {
    const seen = new Set<string>();
    return list.filter((p) => !seen.has(p.address.toLowerCase()) && seen.add(p.address.toLowerCase())).slice(0, 20);
  };
  return {
    folderId: last.folder_id, threadId: last.thread_id, userId: last.user_id,
    subject: last.thread_subject || last.subject,
    lastMessageAt: new Date(last.created_at).getTime(), lastMessageId: last.id,
    messageCount: messages.length,
    unreadCount: messages.filter((m) => !m.is_read).length,
    starredCount: messages.filter((m) => m.is_starred).length,
    attachmentCount: messages.filter((m) => m.has_attachments).length,
    snippet: last.snippet,
    participants: people(messages.map((m) => ({ address: m.from_email, name: m.from_name }))),
    recipients: people(messages.flatMap((m) => JSON.parse(m.to_json) as AddressRecord[])),
  };
}

const byKey = (a: { folderId: unknown; threadId: unknown }, b: { folderId: unknown; threadId: unknown }) =>
  Number(a.folderId) - Number(b.folderId) || Number(a.threadId) - Number(b.threadId);

/**
 * A reply and its parent (whichever arrived first), and two copies of one
 * Message-ID, are in one thread. (A message naming an earlier one only in
 * References joins it too, but one arriving later does not pull it in.)
 */
function expectRelatedShareAThread(): void {
  const rows = peek.prepare('SELECT id, user_id, thread_id, message_id, in_reply_to FROM mail_messages').all() as Row[];
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
      const stored = peek
        .prepare('SELECT thread_id AS id FROM thread_summaries WHERE folder_id = ? ORDER BY last_message_at DESC, thread_id DESC')
        .pluck()
        .all(t.folders[kind]) as number[];
      expect(seen.map((s) => s.id)).toEqual(stored);
    }
  }
}
