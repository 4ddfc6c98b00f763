// The storage port's contract, written once and run against every engine
// (sqlite.contract.test.ts, postgresql.contract.test.ts). An engine passes when the core cannot
// tell it from another: same records, same ordering, same owner scoping,
// same all-or-nothing deliveries, same blob lifetimes.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchSpec } from '../../../src/core/search-messages.js';
import { parseSearchQuery } from '../../../src/mail/search/parse-search-query.js';
import { indexedDocument, searchDocument } from '../../../src/mail/search/search-document.js';
import {
  DuplicateKey, isQuotaExceeded, type CopyDraft, type DeliveryAttachment, type DeliveryInput, type MailStore, type SearchSpec,
} from '../../../src/storage/mail-store.js';
import type { UserRecord } from '../../../src/storage/records.js';

export interface EngineUnderTest {
  store: MailStore;
  /** closes the store and removes what it wrote */
  dispose(): Promise<void>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const BIG = 200 * 1024; // past any engine's inline size for blobs

/** The search text the core would give for this copy. */
function searchTextOf(c: CopyDraft, attachments: DeliveryAttachment[] = []): DeliveryInput['searchText'] {
  return indexedDocument(searchDocument({ ...c, attachmentNames: attachments.map((a) => a.filename) }));
}

/** A query compiled as the core compiles it. */
function spec(q: string): SearchSpec {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw parsed.error;
  return searchSpec(parsed.query)!;
}

/** The n-th test copy for the user's folder: its own Message-ID, subject and second. */
export function makeDraft(user: UserRecord, folderId: number, n: number, over: Partial<CopyDraft> = {}): CopyDraft {
  const at = new Date(Date.UTC(2026, 10, 22, 10, 0, n));
  return {
    userId: user.id, folderId, messageId: `m${n + 1}@remote.test`, inReplyTo: null, references: [],
    fromEmail: 'alice@remote.test', fromName: 'Alice', to: [{ address: user.email, name: '' }], cc: [],
    subject: `subject ${n + 1}`, snippet: 'snippet', bodyText: 'hello body', untrustedHtml: '', isRead: false,
    sentAt: at, createdAt: at, receivedHeader: 'Received: from test\r\n', sizeBytes: 100, quotaBytes: null,
    mailbox: user.email, queueWebhook: false, ...over,
  };
}

export function describeMailStoreContract(engine: string, open: () => Promise<EngineUnderTest>): void {
  describe(`MailStore contract: ${engine}`, () => {
    let under: EngineUnderTest;
    let store: MailStore;
    let bob: UserRecord;
    let carol: UserRecord;
    let inbox: number;
    let seq = 0;

    beforeAll(async () => {
      under = await open();
      store = under.store;
      bob = await store.users.create({ email: 'bob@example.test', name: 'Bob', passwordHash: 'hash-b' });
      carol = await store.users.create({ email: 'carol@example.test', name: null, passwordHash: 'hash-c', role: 'admin' });
      inbox = (await store.folders.findByKind(bob.id, 'inbox'))!.id;
    });

    afterAll(async () => {
      await under?.dispose();
    });

    const draft = (user: UserRecord, folderId: number, over: Partial<CopyDraft> = {}) => makeDraft(user, folderId, seq++, over);

    /** A copy of the bytes: the store may move (empty) the buffer it is given. */
    function attachment(bytes: Buffer, filename = 'a.bin'): DeliveryAttachment {
      return { filename, contentType: 'application/octet-stream', contentId: null, content: Buffer.from(bytes), sha256: sha256(bytes) };
    }

    async function deliver(raw: Buffer, copies: CopyDraft[], attachments: DeliveryAttachment[] = [], outbound: { userId: number; mailFrom: string; recipients: string[] } | null = null) {
      return store.openDelivery(raw).commit({ copies, attachments, outbound, searchText: searchTextOf(copies[0]!, attachments) });
    }

    describe('local domains', () => {
      it('adds, lists, tells and removes domains, each once', async () => {
        expect(await store.domains.has('lab.test')).toBe(false);
        expect(await store.domains.add('lab.test')).toBe(true);
        expect(await store.domains.add('lab.test')).toBe(false);
        expect(await store.domains.has('lab.test')).toBe(true);
        expect(await store.domains.list()).toContain('lab.test');
        expect(await store.domains.remove('lab.test')).toBe(true);
        expect(await store.domains.remove('lab.test')).toBe(false);
        expect(await store.domains.has('lab.test')).toBe(false);
      });
    });

    describe('users', () => {
      it('creates a user with the six system folders, and refuses a taken email with DuplicateKey', async () => {
        const kinds = (await store.folders.listWithCounts(bob.id)).map((f) => f.kind);
        expect(kinds).toEqual(['inbox', 'sent', 'drafts', 'archive', 'spam', 'trash']);
        await expect(store.users.create({ email: 'bob@example.test', name: null, passwordHash: 'x' })).rejects.toBeInstanceOf(DuplicateKey);
        expect(carol.role).toBe('admin');
      });

      it('finds users by email and id, and the mailbox facts delivery needs', async () => {
        expect((await store.users.findByEmail('bob@example.test'))?.id).toBe(bob.id);
        expect((await store.users.findById(carol.id))?.email).toBe('carol@example.test');
        expect(await store.users.findByEmail('nobody@example.test')).toBeNull();
        expect(await store.users.findMailbox('bob@example.test')).toMatchObject({ userId: bob.id, inboxFolderId: inbox, enabled: true, quotaMb: null });
        expect(await store.users.findMailbox('nobody@example.test')).toBeNull();
        expect((await store.users.first())?.id).toBe(bob.id);
      });

      it('names users by an optional, unique username, and changes a password hash', async () => {
        const erin = await store.users.create({ email: 'erin@example.test', username: 'erin', name: null, passwordHash: 'hash-e' });
        expect(await store.users.usernameTaken('erin')).toBe(true);
        expect(await store.users.usernameTaken('bob')).toBe(false);
        await expect(store.users.create({ email: 'erin2@example.test', username: 'erin', name: null, passwordHash: 'x' })).rejects.toBeInstanceOf(DuplicateKey);
        expect(await store.users.findByEmail('erin2@example.test')).toBeNull();
        expect(await store.accounts.findByUsername('erin')).toMatchObject({ id: erin.id, email: 'erin@example.test', username: 'erin' });
        expect(await store.accounts.findByUsername('nobody')).toBeNull();
        expect((await store.accounts.findById(bob.id))!.username).toBeNull();
        await store.users.setPasswordHash(erin.id, 'hash-e2');
        expect((await store.users.findById(erin.id))!.passwordHash).toBe('hash-e2');
        await store.accounts.delete(erin.id);
      });
    });

    describe('deliveries', () => {
      it('stores every copy with its attachments and raw bytes, and reads them back owner-scoped', async () => {
        const raw = Buffer.from('Subject: hi\r\n\r\nsmall raw\r\n');
        const small = randomBytes(100);
        const big = randomBytes(BIG);
        const carolInbox = (await store.folders.findByKind(carol.id, 'inbox'))!.id;
        const { messages, outboundId } = await deliver(Buffer.from(raw), [draft(bob, inbox), draft(carol, carolInbox)], [attachment(small, 's.bin'), attachment(big, 'b.bin')]);
        expect(outboundId).toBeNull();
        expect(messages.map((m) => m.userId)).toEqual([bob.id, carol.id]);
        const [mine] = messages;
        expect(mine!.attachments.map((a) => [a.filename, a.size, a.sha256])).toEqual([['s.bin', 100, sha256(small)], ['b.bin', BIG, sha256(big)]]);
        const stored = await store.messages.get(bob.id, mine!.id);
        expect(stored).toMatchObject({ id: mine!.id, subject: mine!.subject, rawSha256: sha256(raw), hasAttachments: true, threadId: mine!.threadId });
        expect(await store.messages.get(carol.id, mine!.id)).toBeNull();
        expect((await store.blobs.read(stored!.rawSha256)).equals(raw)).toBe(true);
        const att = await store.messages.getAttachment(bob.id, stored!.attachments[1]!.id);
        expect((await store.blobs.read(att!.sha256)).equals(big)).toBe(true);
        expect(await store.messages.getAttachment(carol.id, stored!.attachments[1]!.id)).toBeNull();
      });

      it('reads a message without its bodies, and the bodies apart, as get() reads them; owner-scoped', async () => {
        const carolInbox = (await store.folders.findByKind(carol.id, 'inbox'))!.id;
        const bodies = { bodyText: 'text "q" \\ 😀\n'.repeat(1000), untrustedHtml: '<p onclick="x()">ünï</p>'.repeat(1000) };
        const { messages } = await deliver(
          Buffer.from('Subject: meta\r\n\r\nx\r\n'),
          [draft(bob, inbox, { ...bodies, messageId: 'meta@remote.test', references: ['a@b'], cc: [{ address: 'c@d.test', name: 'C' }] }), draft(carol, carolInbox)],
          [attachment(randomBytes(10), 'one.bin'), attachment(randomBytes(20), 'two.bin')],
        );
        const id = messages[0]!.id;
        await store.messages.update(bob.id, [id], { isRead: true, isStarred: true });
        const whole = await store.messages.get(bob.id, id);
        const meta = await store.messages.getMeta(bob.id, id);
        const { bodyText, untrustedHtml, ...rest } = whole!;
        expect(meta).toEqual(rest);
        expect(meta!.sentAt).toBeInstanceOf(Date);
        expect(meta!.attachments.map((a) => a.filename)).toEqual(['one.bin', 'two.bin']);
        expect(await store.messages.getBodies(bob.id, id)).toEqual({ bodyText, untrustedHtml });
        expect(bodyText).toBe(bodies.bodyText);
        expect(await store.messages.getMeta(carol.id, id)).toBeNull();
        expect(await store.messages.getBodies(carol.id, id)).toBeNull();
        expect(await store.messages.getMeta(bob.id, id + 1000)).toBeNull();
      });

      it('keeps a big raw message byte for byte', async () => {
        const raw = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.from(randomBytes(BIG * 2).toString('base64'))]);
        const expected = Buffer.from(raw);
        const { messages } = await deliver(raw, [draft(bob, inbox)]);
        expect(messages[0]!.rawSha256).toBe(sha256(expected));
        expect((await store.blobs.read(messages[0]!.rawSha256)).equals(expected)).toBe(true);
      });

      it('threads a reply with its parent, per owner', async () => {
        const parent = (await deliver(Buffer.from('p\r\n'), [draft(bob, inbox, { messageId: 'parent@remote.test' })])).messages[0]!;
        const reply = (await deliver(Buffer.from('r\r\n'), [draft(bob, inbox, { inReplyTo: 'parent@remote.test', references: ['parent@remote.test'] })])).messages[0]!;
        expect(reply.threadId).toBe(parent.threadId);
        expect((await store.messages.listThread(bob.id, parent.threadId)).map((m) => m.id)).toEqual([parent.id, reply.id]);
      });

      it('refuses a copy over its quota as QuotaExceeded and stores none of the delivery', async () => {
        const before = (await store.folders.listWithCounts(bob.id)).find((f) => f.kind === 'inbox')!.totalCount;
        const big = randomBytes(BIG);
        const delivery = store.openDelivery(Buffer.from('Subject: too big\r\n\r\nx\r\n'));
        const err = await delivery
          .commit({ copies: [draft(bob, inbox, { quotaBytes: 1, sizeBytes: 10_000 })], attachments: [attachment(big)], outbound: null, searchText: null! })
          .catch((e: unknown) => e);
        expect(isQuotaExceeded(err)).toBe(true);
        await delivery.abandon();
        expect((await store.folders.listWithCounts(bob.id)).find((f) => f.kind === 'inbox')!.totalCount).toBe(before);
        await expect(store.blobs.read(sha256(big))).rejects.toThrow();
      });

      it('leaves nothing behind for a delivery abandoned before its commit', async () => {
        const raw = randomBytes(BIG);
        const delivery = store.openDelivery(Buffer.from(raw));
        await delivery.abandon();
        await expect(store.blobs.read(sha256(raw))).rejects.toThrow();
      });

      it('queues the outbound row and the message.received webhook in the same commit', async () => {
        const before = (await store.webhooks.countByStatus()).pending ?? 0;
        const { outboundId } = await deliver(Buffer.from('Subject: out\r\n\r\nx\r\n'), [draft(bob, inbox, { queueWebhook: true })], [], {
          userId: bob.id, mailFrom: 'bob@example.test', recipients: ['far@remote.test'],
        });
        expect(outboundId).toBeGreaterThan(0);
        expect(await store.outbound.get(outboundId!)).toMatchObject({ status: 'pending', recipients: ['far@remote.test'], attempts: 0 });
        expect((await store.webhooks.countByStatus()).pending).toBe(before + 1);
      });
    });

    describe('reading and organising mail', () => {
      let folder: number;
      const ids: number[] = [];

      beforeAll(async () => {
        folder = (await store.folders.findByKind(bob.id, 'archive'))!.id;
        for (const body of ['pay 100% now', 'order 1000 units', 'under_score and more']) {
          ids.push((await deliver(Buffer.from(`${body}\r\n`), [draft(bob, folder, { bodyText: body, subject: body })])).messages[0]!.id);
        }
      });

      it('lists a folder newest first, page by page', async () => {
        const first = await store.messages.listInFolder(bob.id, folder, 2, null);
        expect(first.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
        const second = await store.messages.listInFolder(bob.id, folder, 2, first.nextCursor);
        expect(second.items.map((m) => m.id)).toEqual([ids[0]]);
        expect(second.nextCursor).toBeNull();
        expect((await store.messages.listInFolder(carol.id, folder, 10, null)).items).toEqual([]);
      });

      it('lists conversations newest first, page by page', async () => {
        const first = await store.messages.listThreadsInFolder(bob.id, folder, 2, null);
        expect(first.items).toHaveLength(2);
        expect(first.items[0]).toMatchObject({ subject: 'under_score and more', messageCount: 1, unreadCount: 1 });
        expect(first.items[0]!.recipients).toEqual([{ address: 'bob@example.test', name: '' }]);
        const second = await store.messages.listThreadsInFolder(bob.id, folder, 2, first.nextCursor);
        expect(second.items.map((t) => t.subject)).toEqual(['pay 100% now']);
      });

      it('searches its full-text index: words, not patterns; only the owner\'s mail; pages', async () => {
        const found = async (userId: number, q: string, offset = 0, limit = 10) =>
          (await store.messages.search(userId, spec(q), offset, limit)).hits.map((m) => m.id);
        expect(await found(bob.id, '100%')).toEqual([ids[0]]);
        expect(await found(bob.id, 'o_d')).toEqual([]);
        expect(await found(bob.id, 'under_score')).toEqual([ids[2]]);
        expect(await found(bob.id, 'UNITS order')).toEqual([ids[1]]);
        expect(await found(carol.id, 'order')).toEqual([]);
        expect(await found(bob.id, 'in:archive -order')).toEqual([ids[2], ids[0]]);
        const first = await store.messages.search(bob.id, spec('in:archive'), 0, 2);
        expect(first.more).toBe(true);
        expect(await found(bob.id, 'in:archive', 2, 2)).toEqual([ids[0]]);
        const hit = first.hits[0]!;
        expect(hit).toMatchObject({ subject: 'under_score and more', bodyHead: 'under_score and more', attachmentNames: [] });
      });

      it('takes a message deleted for good out of the index', async () => {
        const extra = (await deliver(Buffer.from('zebra\r\n'), [draft(bob, folder, { bodyText: 'zebra crossing' })])).messages[0]!.id;
        expect((await store.messages.search(bob.id, spec('zebra'), 0, 10)).hits.map((m) => m.id)).toEqual([extra]);
        await store.messages.deleteForGood(bob.id, [extra]);
        expect((await store.messages.search(bob.id, spec('zebra'), 0, 10)).hits).toEqual([]);
      });

      it('counts unread per folder and applies changes only to the owner', async () => {
        const counts = () => store.folders.listWithCounts(bob.id).then((f) => f.find((x) => x.id === folder)!);
        expect(await counts()).toMatchObject({ totalCount: 3, unreadCount: 3 });
        await store.messages.update(carol.id, [ids[0]!], { isRead: true });
        expect((await counts()).unreadCount).toBe(3);
        await store.messages.update(bob.id, [ids[0]!], { isRead: true, isStarred: true });
        expect(await counts()).toMatchObject({ totalCount: 3, unreadCount: 2 });
        expect(await store.messages.get(bob.id, ids[0]!)).toMatchObject({ isRead: true, isStarred: true });
      });

      it('keeps the thread list and counters with deliveries, a reply before its parent, moves, flags and deletes', async () => {
        const spam = (await store.folders.findByKind(bob.id, 'spam'))!.id;
        const listed = async (f: number) => (await store.messages.listThreadsInFolder(bob.id, f, 50, null)).items;
        const counts = async (f: number) => (await store.folders.listWithCounts(bob.id)).find((x) => x.id === f)!;
        const reply = (await deliver(Buffer.from('re\r\n'), [draft(bob, spam, { messageId: 'kid@x.test', inReplyTo: 'mom@x.test', fromEmail: 'kid@x.test' })])).messages[0]!;
        const parent = (await deliver(Buffer.from('mom\r\n'), [draft(bob, spam, { messageId: 'mom@x.test', fromEmail: 'mom@x.test', subject: 'Family' })])).messages[0]!;
        expect(parent.threadId).toBe(reply.threadId);
        expect(await listed(spam)).toMatchObject([{ id: parent.threadId, messageCount: 2, unreadCount: 2, snippet: 'snippet' }]);
        expect((await listed(spam))[0]!.participants.map((p) => p.address)).toEqual(['kid@x.test', 'mom@x.test']);
        expect(await counts(spam)).toMatchObject({ totalCount: 2, unreadCount: 2 });

        await store.messages.update(bob.id, [reply.id], { isRead: true, isStarred: true });
        expect(await listed(spam)).toMatchObject([{ messageCount: 2, unreadCount: 1, isStarred: true }]);
        expect(await counts(spam)).toMatchObject({ totalCount: 2, unreadCount: 1 });

        const trash = (await store.folders.findByKind(bob.id, 'trash'))!.id;
        const trashBefore = await counts(trash);
        await store.messages.update(bob.id, [parent.id], { folderId: trash });
        expect(await listed(spam)).toMatchObject([{ messageCount: 1, unreadCount: 0, isStarred: true }]);
        expect((await listed(trash)).find((t) => t.id === parent.threadId)).toMatchObject({ messageCount: 1, unreadCount: 1, isStarred: false });
        expect(await counts(trash)).toMatchObject({ totalCount: trashBefore.totalCount + 1, unreadCount: trashBefore.unreadCount + 1 });

        await store.messages.deleteForGood(bob.id, [reply.id, parent.id]);
        expect(await listed(spam)).toEqual([]);
        expect((await listed(trash)).find((t) => t.id === parent.threadId)).toBeUndefined();
        expect(await counts(spam)).toMatchObject({ totalCount: 0, unreadCount: 0 });
        expect(await counts(trash)).toMatchObject(trashBefore);
      });

      it('deletes for good with the blobs nothing else needs, and keeps shared ones', async () => {
        const shared = randomBytes(BIG);
        const a = (await deliver(Buffer.from('a\r\n'), [draft(bob, folder)], [attachment(shared)])).messages[0]!;
        const b = (await deliver(Buffer.from('b\r\n'), [draft(bob, folder)], [attachment(shared)])).messages[0]!;
        await store.messages.deleteForGood(bob.id, [a.id]);
        expect(await store.messages.get(bob.id, a.id)).toBeNull();
        expect((await store.blobs.read(sha256(shared))).equals(shared)).toBe(true);
        await store.messages.deleteForGood(bob.id, [b.id]);
        await expect(store.blobs.read(sha256(shared))).rejects.toThrow();
        await expect(store.blobs.read(b.rawSha256)).rejects.toThrow();
      });
    });

    describe('accounts', () => {
      it('lists, changes, promotes and reports usage', async () => {
        const { users, total } = await store.accounts.list(0, 10);
        expect(total).toBeGreaterThanOrEqual(2);
        expect(users[0]!.email).toBe('bob@example.test');
        expect(await store.accounts.update(bob.id, { quotaMb: 5, name: 'Robert' })).toMatchObject({ quotaMb: 5, name: 'Robert' });
        await expect(store.accounts.update(bob.id, { email: 'carol@example.test' })).rejects.toBeInstanceOf(DuplicateKey);
        expect(await store.accounts.promoteAll(['bob@example.test', 'carol@example.test'])).toBe(1);
        expect((await store.accounts.findByEmail('bob@example.test'))!.role).toBe('admin');
        const usage = await store.accounts.usage();
        expect(usage.messagesStored).toBeGreaterThan(0);
        expect(usage.totalBytes).toBeGreaterThan(0);
      });

      it('deletes a user with all their mail and the blobs only it named', async () => {
        const dave = await store.users.create({ email: 'dave@example.test', name: null, passwordHash: 'x' });
        const daveInbox = (await store.folders.findByKind(dave.id, 'inbox'))!.id;
        const own = randomBytes(BIG);
        const m = (await deliver(Buffer.from('d\r\n'), [draft(dave, daveInbox)], [attachment(own)])).messages[0]!;
        await store.accounts.delete(dave.id);
        expect(await store.users.findById(dave.id)).toBeNull();
        expect(await store.messages.get(dave.id, m.id)).toBeNull();
        await expect(store.blobs.read(sha256(own))).rejects.toThrow();
      });
    });

    describe('outbound queue', () => {
      const later = (ms: number) => new Date(Date.now() + ms);
      const leaseOf = (owner: string, untilMs = 60_000) => ({ owner, until: later(untilMs) });

      it('claims due rows once, retries, fails, recovers and drops', async () => {
        const { outboundId } = await deliver(Buffer.from('q\r\n'), [draft(bob, inbox)], [], { userId: bob.id, mailFrom: 'bob@example.test', recipients: ['x@far.test', 'y@far.test'] });
        const id = outboundId!;
        const claimed = await store.outbound.claimDue(later(1000), 100, leaseOf('a'));
        expect(claimed.find((r) => r.id === id)).toMatchObject({ status: 'sending', attempts: 1 });
        expect((await store.outbound.claimDue(later(1000), 100, leaseOf('b'))).find((r) => r.id === id)).toBeUndefined();
        expect(await store.outbound.retryNow(id)).toEqual({ ok: false, reason: 'in_progress' });
        expect(await store.outbound.drop(id)).toEqual({ ok: false, reason: 'in_progress' });
        await store.outbound.scheduleRetry(id, ['y@far.test'], later(3_600_000), '451 later');
        expect(await store.outbound.get(id)).toMatchObject({ status: 'retry', recipients: ['y@far.test'], lastError: '451 later' });
        expect((await store.outbound.claimDue(new Date(), 100, leaseOf('a'))).find((r) => r.id === id)).toBeUndefined();
        const retried = await store.outbound.retryNow(id);
        expect(retried.ok && retried.row).toMatchObject({ id, status: 'retry', attempts: 1 });
        await store.outbound.claimDue(later(1000), 100, leaseOf('a'));
        // Another instance's restart leaves a's row alone; a's own restart takes it back.
        expect(await store.outbound.recoverInterrupted('b', new Date())).toBe(0);
        expect(await store.outbound.recoverInterrupted('a', new Date())).toBeGreaterThanOrEqual(1);
        expect((await store.outbound.get(id))!.status).toBe('retry');
        await store.outbound.markFailed(id, '550 no');
        expect((await store.outbound.page('failed', 0, 10)).items.map((r) => r.id)).toContain(id);
        expect((await store.outbound.counts()).failed).toBeGreaterThanOrEqual(1);
        expect((await store.outbound.list({ userId: bob.id, status: 'failed' })).map((r) => r.id)).toContain(id);
        expect(await store.outbound.drop(id)).toEqual({ ok: true });
        expect(await store.outbound.get(id)).toBeNull();
        expect(await store.outbound.drop(id)).toEqual({ ok: false, reason: 'not_found' });
      });

      it('marks a row sent with a note', async () => {
        const { outboundId } = await deliver(Buffer.from('s\r\n'), [draft(bob, inbox)], [], { userId: bob.id, mailFrom: 'bob@example.test', recipients: ['x@far.test'] });
        await store.outbound.markSent(outboundId!, 'refused: z@far.test');
        expect(await store.outbound.get(outboundId!)).toMatchObject({ status: 'sent', lastError: 'refused: z@far.test' });
        expect(await store.outbound.retryNow(outboundId!)).toEqual({ ok: false, reason: 'already_sent' });
      });

      it('gives each row to one of many claimers at once, oldest first', async () => {
        const ids: number[] = [];
        for (let i = 0; i < 12; i++) {
          const { outboundId } = await deliver(Buffer.from(`race ${i}\r\n`), [draft(bob, inbox)], [], { userId: bob.id, mailFrom: 'bob@example.test', recipients: ['x@far.test'] });
          ids.push(outboundId!);
        }
        const claims = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store.outbound.claimDue(later(1000), 5, leaseOf(owner))));
        const got = claims.flat().map((r) => r.id).filter((id) => ids.includes(id));
        expect(got.length).toBe(new Set(got).size);
        for (const c of claims) {
          const own = c.map((r) => r.id);
          expect(own).toEqual([...own].sort((x, y) => x - y));
        }
        // Whatever the race left unclaimed is still there for the next claim.
        const rest = await store.outbound.claimDue(later(1000), 100, leaseOf('e'));
        expect([...got, ...rest.map((r) => r.id)].filter((id) => ids.includes(id)).sort((x, y) => x - y)).toEqual(ids);
        for (const id of ids) await store.outbound.markSent(id);
      });

      it('takes over a row whose holder stopped renewing once its lease ran out, not before', async () => {
        const { outboundId } = await deliver(Buffer.from('lease\r\n'), [draft(bob, inbox)], [], { userId: bob.id, mailFrom: 'bob@example.test', recipients: ['x@far.test'] });
        const id = outboundId!;
        const t0 = later(1000);
        const at = (ms: number) => new Date(t0.getTime() + ms);
        expect((await store.outbound.claimDue(t0, 100, { owner: 'dead', until: at(30_000) })).map((r) => r.id)).toContain(id);
        // The holder renews while it is alive; a renewal by another owner holds nothing.
        expect(await store.outbound.renewLeases([id], { owner: 'dead', until: at(60_000) })).toEqual([id]);
        expect(await store.outbound.renewLeases([id], { owner: 'other', until: at(600_000) })).toEqual([]);
        expect((await store.outbound.claimDue(at(59_000), 100, { owner: 'other', until: at(120_000) })).map((r) => r.id)).not.toContain(id);
        const taken = (await store.outbound.claimDue(at(60_000), 100, { owner: 'other', until: at(120_000) })).find((r) => r.id === id);
        expect(taken).toMatchObject({ status: 'sending', attempts: 2 });
        // The dead holder's lease is gone: its late renewal holds nothing.
        expect(await store.outbound.renewLeases([id], { owner: 'dead', until: at(900_000) })).toEqual([]);
        await store.outbound.markSent(id);
        expect(await store.outbound.renewLeases([id], { owner: 'other', until: at(900_000) })).toEqual([]);
      });
    });

    describe('webhook outbox', () => {
      const lease = (owner: string, until = new Date(Date.now() + 60_000)) => ({ owner, until });

      it('hands out due rows once and records each outcome', async () => {
        const id = await store.webhooks.enqueue('user.created', '{"event":"user.created"}');
        const due = await store.webhooks.claimDue(new Date(Date.now() + 1000), 100, lease('a'));
        expect(due.find((r) => r.id === id)).toEqual({ id, event: 'user.created', payload: '{"event":"user.created"}', attempts: 0 });
        expect((await store.webhooks.claimDue(new Date(Date.now() + 1000), 100, lease('b'))).find((r) => r.id === id)).toBeUndefined();
        await store.webhooks.markRetry(id, 1, new Date(Date.now() + 3_600_000), 'timeout');
        expect((await store.webhooks.claimDue(new Date(), 100, lease('a'))).find((r) => r.id === id)).toBeUndefined();
        await store.webhooks.markFailed(id, 2, 'HTTP 500');
        const other = await store.webhooks.enqueue('auth.failed', '{}');
        await store.webhooks.markSent(other, 1);
        const counts = await store.webhooks.countByStatus();
        expect(counts.failed).toBeGreaterThanOrEqual(1);
        expect(counts.sent).toBeGreaterThanOrEqual(1);
      });

      it('takes over an expired lease, and hands back what a stopping holder did not attempt', async () => {
        const id = await store.webhooks.enqueue('user.created', '{"n":1}');
        const t0 = new Date(Date.now() + 1000);
        const at = (ms: number) => new Date(t0.getTime() + ms);
        expect((await store.webhooks.claimDue(t0, 100, lease('dead', at(10_000)))).map((r) => r.id)).toContain(id);
        expect((await store.webhooks.claimDue(at(9_000), 100, lease('b', at(20_000)))).map((r) => r.id)).not.toContain(id);
        expect((await store.webhooks.claimDue(at(10_000), 100, lease('b', at(20_000)))).map((r) => r.id)).toContain(id);
        expect(await store.webhooks.renewLeases([id], lease('dead', at(30_000)))).toEqual([]);
        expect(await store.webhooks.renewLeases([id], lease('b', at(30_000)))).toEqual([id]);
        // Handing back: only the holder can, and then anyone may claim it at once.
        await store.webhooks.release('dead', [id]);
        expect((await store.webhooks.claimDue(at(11_000), 100, lease('c', at(40_000)))).map((r) => r.id)).not.toContain(id);
        await store.webhooks.release('b', [id]);
        expect((await store.webhooks.claimDue(at(11_000), 100, lease('c', at(40_000)))).find((r) => r.id === id)).toMatchObject({ attempts: 0 });
        // A restart hands back all the restarting owner holds, and nothing of others'.
        const other = await store.webhooks.enqueue('user.created', '{"n":2}');
        expect((await store.webhooks.claimDue(at(12_000), 100, lease('d', at(50_000)))).map((r) => r.id)).toContain(other);
        await store.webhooks.release('c');
        const free = (await store.webhooks.claimDue(at(12_000), 100, lease('e', at(50_000)))).map((r) => r.id);
        expect(free).toContain(id);
        expect(free).not.toContain(other);
        await store.webhooks.markSent(id, 1);
        await store.webhooks.markSent(other, 1);
      });
    });

    describe('chat', () => {
      let carolInbox: number;
      let bobCopy: { id: number; threadId: number };
      let carolCopy: { id: number; threadId: number };
      const people = { fromEmail: 'bob@example.test', to: [{ address: 'carol@example.test', name: 'Carol' }] };

      beforeAll(async () => {
        carolInbox = (await store.folders.findByKind(carol.id, 'inbox'))!.id;
        const bobSent = (await store.folders.findByKind(bob.id, 'sent'))!.id;
        // Carol gets a thread of her own first, so the two users' thread ids differ.
        await deliver(Buffer.from('c0\r\n'), [draft(carol, carolInbox, { messageId: 'only-carol@remote.test' })]);
        const { messages } = await deliver(Buffer.from('chat\r\n'), [
          draft(bob, bobSent, { messageId: 'shared@example.test', ...people }),
          draft(carol, carolInbox, { messageId: 'shared@example.test', ...people }),
        ]);
        bobCopy = messages[0]!;
        carolCopy = messages[1]!;
      });

      it('finds the other holders of a conversation with their own thread ids, for the asker only', async () => {
        expect(bobCopy.threadId).not.toBe(carolCopy.threadId);
        expect(await store.chat.copiesOfThread(bob.id, bobCopy.threadId)).toEqual([
          { userId: carol.id, email: 'carol@example.test', threadId: carolCopy.threadId, ...people, cc: [] },
        ]);
        // Bob's thread id means nothing in Carol's name.
        expect(await store.chat.copiesOfThread(carol.id, bobCopy.threadId)).toEqual([]);
        const shared = await store.chat.copiesOfMailbox(carol.id);
        expect(shared.map((c) => c.userId)).toEqual([bob.id]);
      });

      it('keeps first statuses, moves each forward once and never back, scoped by sender', async () => {
        const at = new Date('2026-11-22T10:00:00Z');
        const row = { messageId: bobCopy.id, userId: bob.id, recipient: 'carol@example.test', name: 'Carol', status: 'delivered' as const, at, reason: null };
        await store.chat.addStatuses([row, { ...row, recipient: 'far@remote.test', name: '', status: 'queued' }]);
        await store.chat.addStatuses([{ ...row, status: 'queued' }]); // already there: kept
        const read = await store.chat.advance({ userId: bob.id, recipients: ['CAROL@example.test'], rfcMessageId: 'shared@example.test' }, 'read', at);
        expect(read).toEqual([{ ...row, threadId: bobCopy.threadId, status: 'read' }]);
        expect(await store.chat.advance({ userId: bob.id, recipients: ['carol@example.test'], rfcMessageId: 'shared@example.test' }, 'read', at)).toEqual([]);
        expect(await store.chat.advance({ userId: carol.id, recipients: ['far@remote.test'], rfcMessageId: 'shared@example.test' }, 'relayed', at)).toEqual([]);
        const failed = await store.chat.advance({ userId: bob.id, recipients: ['far@remote.test'], rawSha256: sha256(Buffer.from('chat\r\n')) }, 'failed', at, '550 no');
        expect(failed).toMatchObject([{ recipient: 'far@remote.test', status: 'failed', reason: '550 no' }]);
        expect(await store.chat.advance({ userId: bob.id, recipients: ['far@remote.test'], rfcMessageId: 'shared@example.test' }, 'read', at)).toEqual([]);
        const statuses = await store.chat.statusesOf(bob.id, [bobCopy.id]);
        expect(statuses.get(bobCopy.id)!.map((s) => [s.recipient, s.status])).toEqual([['carol@example.test', 'read'], ['far@remote.test', 'failed']]);
        expect((await store.chat.statusesOf(carol.id, [bobCopy.id])).size).toBe(0);
      });

      it('lists correspondence newest first, without Spam and Trash; knows local users', async () => {
        const spam = (await store.folders.findByKind(carol.id, 'spam'))!.id;
        await deliver(Buffer.from('spam\r\n'), [draft(carol, spam, { fromEmail: 'spammer@bad.test' })]);
        const rows = await store.chat.recentCorrespondence(carol.id, 10);
        expect(rows[0]).toMatchObject({ fromEmail: 'bob@example.test', threadId: carolCopy.threadId, folderId: carolInbox });
        expect(rows.some((r) => r.fromEmail === 'spammer@bad.test')).toBe(false);
        expect((await store.chat.localUsers(['Bob@Example.test', 'nobody@example.test'])).map((u) => u.id)).toEqual([bob.id]);
      });

      it('keeps read-receipt settings per user, off by default', async () => {
        expect(await store.chat.settings(bob.id)).toEqual({ requestReadReceipts: false, sendReadReceipts: false });
        expect(await store.chat.saveSettings(bob.id, { sendReadReceipts: true })).toEqual({ requestReadReceipts: false, sendReadReceipts: true });
        expect(await store.chat.saveSettings(bob.id, { requestReadReceipts: true })).toEqual({ requestReadReceipts: true, sendReadReceipts: true });
        expect(await store.chat.settings(carol.id)).toEqual({ requestReadReceipts: false, sendReadReceipts: false });
      });

      it('claims a read receipt once per message, and only the owner can', async () => {
        const at = new Date();
        expect(await store.chat.claimReceipt(bob.id, carolCopy.id, at)).toBe(false);
        expect(await store.chat.claimReceipt(carol.id, carolCopy.id, at)).toBe(true);
        expect(await store.chat.claimReceipt(carol.id, carolCopy.id, at)).toBe(false);
      });
    });

    it('keeps a secret every instance shares where the engine shares one: the first value stays', async () => {
      // SQLite: one instance owns its data directory, and the secret is a file there.
      if (!store.secrets) return expect(store.engine).toBe('sqlite');
      const [a, b] = await Promise.all([store.secrets.getOrCreate('test', () => 'first'), store.secrets.getOrCreate('test', () => 'second')]);
      expect(a).toBe(b);
      expect(await store.secrets.getOrCreate('test', () => 'third')).toBe(a);
      expect(await store.secrets.getOrCreate('other', () => 'other value')).toBe('other value');
    });

    it('answers its health probe', async () => {
      await expect(store.probe()).resolves.toBeUndefined();
    });
  });
}
