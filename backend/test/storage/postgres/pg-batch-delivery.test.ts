// Deliveries committed together in one batch (the set-based path,
// pg-batch-delivery.ts) leave the database as the same deliveries committed
// one at a time: the same threads (a reply beside its parent, a reply before
// its parent, a Message-ID twice, a merge, which takes the per-copy path),
// UIDs, MODSEQs, summaries and counters, usage, index rows, webhooks and
// queue rows; a copy over its quota refuses its own delivery only.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexedDocument, searchDocument } from '../../../src/mail/search/search-document.js';
import type { CopyDraft, DeliveryAttachment, MailStore } from '../../../src/storage/mail-store.js';
import { openPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import type { UserRecord } from '../../../src/storage/records.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg-test-db.js';
import { pgPeek, type SqlPeek } from '../../support/sql-peek.js';
import { expectSummariesMatch } from '../../support/summary-oracle.js';
import { makeDraft } from '../contract/mail-store-contract.js';

interface Engine {
  db: TestDatabase;
  store: MailStore;
  peek: SqlPeek;
  bob: UserRecord;
  carol: UserRecord;
  folders: Record<string, number>;
}

interface Send {
  raw: Buffer;
  copies(e: Engine): CopyDraft[];
  attachments?: DeliveryAttachment[];
  outbound?: boolean;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const shared = randomBytes(300 * 1024);
const attachment = (bytes: Buffer): DeliveryAttachment => ({
  filename: 'a.bin', contentType: 'application/octet-stream', contentId: null, content: Buffer.from(bytes), sha256: sha256(bytes),
});

let n = 0;
/** A message from n's own second, to bob's Inbox unless told. */
function send(over: (e: Engine) => Partial<CopyDraft>, extra: Partial<Send> = {}, to: Array<'bob' | 'carol'> = ['bob']): Send {
  const i = n++;
  return {
    raw: Buffer.from(`Subject: m${i}\r\n\r\n${randomBytes(8).toString('hex')}\r\n`),
    copies: (e) => to.map((who) => makeDraft(e[who], e.folders[`${who}:inbox`]!, i, { ...over(e), ...(who === 'carol' ? { folderId: e.folders['carol:inbox']! } : {}) })),
    ...extra,
  };
}

async function open(): Promise<Engine> {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 3, statementTimeoutMs: 30_000 });
  const bob = await store.users.create({ email: 'bob@example.test', name: 'Bob', passwordHash: 'h' });
  const carol = await store.users.create({ email: 'carol@example.test', name: null, passwordHash: 'h' });
  const folders: Record<string, number> = {};
  for (const [name, user] of [['bob', bob], ['carol', carol]] as const) {
    for (const kind of ['inbox', 'sent'] as const) folders[`${name}:${kind}`] = (await store.folders.findByKind(user.id, kind))!.id;
  }
  return { db, store, peek: await pgPeek(db.url), bob, carol, folders };
}

async function deliver(e: Engine, s: Send): Promise<unknown> {
  const copies = s.copies(e);
  const attachments = s.attachments ?? [];
  const outbound = s.outbound ? { userId: e.bob.id, mailFrom: 'bob@example.test', recipients: ['x@remote.test'] } : null;
  const searchText = indexedDocument(searchDocument({ ...copies[0]!, attachmentNames: attachments.map((a) => a.filename) }));
  const done = await e.store.openDelivery(s.raw).commit({ copies, attachments, outbound, searchText });
  return { uids: done.uids, outbound: done.outboundId !== null, attachments: done.messages.map((m) => m.attachments.length) };
}

/** Each step's sends together (one batch) or one after the other; every outcome, refused ones included. */
async function run(e: Engine, steps: Send[][], together: boolean): Promise<unknown[]> {
  const outcomes: unknown[] = [];
  const settle = (p: Promise<unknown>) => p.then((v) => v, (err: Error) => ({ refused: err.constructor.name }));
  for (const step of steps) {
    if (together) outcomes.push(...(await Promise.all(step.map((s) => settle(deliver(e, s))))));
    else for (const s of step) outcomes.push(await settle(deliver(e, s)));
  }
  return outcomes;
}

/**
 * The database, message ids as their rank and threads named by their first
 * message: ids drawn by a batch that was then refused (or left to the
 * per-copy path) leave gaps that one-at-a-time delivery does not.
 */
async function state(e: Engine): Promise<Record<string, unknown>> {
  const q = (sql: string) => e.peek.all(sql);
  const ids = (await q('SELECT id FROM mail_messages ORDER BY id')).map((r) => r.id);
  const rank = (id: unknown) => (ids.includes(id) ? ids.indexOf(id) : `gone ${String(id)}`);
  const firstOf = new Map((await q('SELECT thread_id, min(id) AS first FROM mail_messages GROUP BY thread_id')).map((r) => [r.thread_id, rank(r.first)]));
  const thread = (id: unknown) => firstOf.get(id) ?? `empty ${String(id)}`;
  const byThread = (a: { thread: unknown }, b: { thread: unknown }) => Number(a.thread) - Number(b.thread);
  return {
    messages: (await q('SELECT id, user_id, folder_id, thread_id, message_id, uid, modseq, subject, has_attachments FROM mail_messages ORDER BY id'))
      .map((r) => ({ ...r, id: rank(r.id), thread_id: thread(r.thread_id) })),
    threads: (await q('SELECT id, user_id, subject, last_message_at, created_at FROM mail_threads'))
      .map(({ id, ...r }) => ({ ...r, thread: thread(id) })).sort(byThread),
    summaries: (await q('SELECT * FROM thread_summaries'))
      .map(({ thread_id, ...r }) => ({ ...r, thread: thread(thread_id), last_message_id: rank(r.last_message_id) }))
      .sort((a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.thread) - Number(b.thread) || Number(a.folder_id) - Number(b.folder_id)),
    folders: await q('SELECT id, uid_next, highest_modseq, total_count, unread_count FROM folders ORDER BY id'),
    usage: await q('SELECT id, used_bytes FROM users ORDER BY id'),
    attachments: (await q('SELECT message_id, user_id, filename, size, sha256 FROM attachments ORDER BY message_id, id'))
      .map((r) => ({ ...r, message_id: rank(r.message_id) })),
    search: (await q('SELECT message_id, tsv::text AS tsv FROM message_search ORDER BY message_id')).map((r) => ({ ...r, message_id: rank(r.message_id) })),
    webhooks: (await q('SELECT event, payload FROM webhook_outbox ORDER BY id')).map((r) => {
      const data = (JSON.parse(String(r.payload)) as { data: Record<string, unknown> }).data;
      return { event: r.event, data: { ...data, id: rank(data.id), thread_id: thread(data.thread_id) } };
    }),
    outbound: await q('SELECT user_id, mail_from, recipients, raw_sha256, size_bytes, status FROM outbound_queue ORDER BY id'),
    blobs: await q('SELECT sha256, seq, length(data) AS len, md5(data) AS md5 FROM blob_chunks ORDER BY sha256, seq'),
  };
}

let together: Engine;
let apart: Engine;

beforeAll(async () => {
  [together, apart] = await Promise.all([open(), open()]);
});

afterAll(async () => {
  for (const e of [together, apart]) {
    await e?.peek.close();
    await e?.store.close();
    await e?.db.drop();
  }
});

describe('a batch of deliveries on PostgreSQL', () => {
  it('stores what the same deliveries one at a time store', async () => {
    const steps: Send[][] = [
      [
        send(() => ({ messageId: 'p1@x' })),
        send(() => ({ messageId: 'r1@x', inReplyTo: 'p1@x', references: ['p1@x'] })),
        // A reply before its parent, and the parent: the parent joins the reply's thread.
        send(() => ({ messageId: 'c1@x', inReplyTo: 'q1@x', references: ['q1@x'] })),
        send(() => ({ messageId: 'q1@x' })),
        // One message to two users, with an attachment both copies name, and a webhook and a queue row.
        send(() => ({ messageId: 'both@x', queueWebhook: true }), { attachments: [attachment(shared)], outbound: true }, ['bob', 'carol']),
        // The same Message-ID twice, the second to the Sent folder.
        send(() => ({ messageId: 'dup@x', isRead: true })),
        send((e) => ({ messageId: 'dup@x', folderId: e.folders['bob:sent']!, isStarred: true })),
        send(() => ({ messageId: 'big@x', createdAt: new Date(Date.UTC(2020, 0, 1)) }), { attachments: [attachment(randomBytes(700 * 1024))] }),
      ],
      [
        // Joining threads the last batch made, from both sides; an older message does not move a thread's time.
        send(() => ({ messageId: 'r2@x', inReplyTo: 'r1@x', references: ['p1@x', 'r1@x'] })),
        send(() => ({ messageId: 'old@x', inReplyTo: 'q1@x', createdAt: new Date(Date.UTC(2020, 0, 1)) })),
        send(() => ({ messageId: 'x2@x', references: ['both@x'] }), {}, ['bob', 'carol']),
        // Over bob's quota: refused alone.
        send(() => ({ messageId: 'over@x', quotaBytes: 1 })),
        send(() => ({ messageId: 'after@x' })),
      ],
      [
        // Two threads joined by one message: a merge, which the batch leaves to the per-copy path.
        send(() => ({ messageId: 'm1@x', references: ['p1@x', 'q1@x'] })),
        send(() => ({ messageId: 'm2@x', inReplyTo: 'm1@x' })),
      ],
    ];
    const outcomesTogether = await run(together, steps, true);
    const outcomesApart = await run(apart, steps, false);
    expect(outcomesTogether).toEqual(outcomesApart);
    expect(outcomesTogether).toContainEqual({ refused: 'QuotaExceeded' });
    const [a, b] = [await state(together), await state(apart)];
    expect(a).toEqual(b);
    // Every message in one of few threads: the replies found their parents.
    expect(new Set((a.messages as Array<{ thread_id: unknown }>).map((m) => m.thread_id)).size).toBeLessThan((a.messages as unknown[]).length / 2);
    await expectSummariesMatch(together.peek);
  });
});
