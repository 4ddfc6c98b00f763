// The IMAP part of the storage port's contract, run per engine with the rest
// (sqlite.contract.test.ts): UIDs and MODSEQs given in the commit that
// stores, moves or copies a message, flags shared with the API, custom
// folders, all scoped by owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateKey, isQuotaExceeded, type CopyDraft, type MailStore } from '../../../src/storage/mail-store.js';
import type { UserRecord } from '../../../src/storage/records.js';
import { makeDraft, type EngineUnderTest } from './mail-store-contract.js';

export function describeImapStoreContract(engine: string, open: () => Promise<EngineUnderTest>): void {
  describe(`MailStore IMAP contract: ${engine}`, () => {
    let under: EngineUnderTest;
    let store: MailStore;
    let dan: UserRecord;
    let eve: UserRecord;
    let inbox: number;
    let seq = 0;

    beforeAll(async () => {
      under = await open();
      store = under.store;
      dan = await store.users.create({ email: 'dan@example.test', name: 'Dan', passwordHash: 'h' });
      eve = await store.users.create({ email: 'eve@example.test', name: 'Eve', passwordHash: 'h' });
      inbox = (await store.folders.findByKind(dan.id, 'inbox'))!.id;
    });

    afterAll(async () => {
      await under?.dispose();
    });

    const draft = (user: UserRecord, folderId: number, over: Partial<CopyDraft> = {}) => makeDraft(user, folderId, seq++, over);

    async function deliver(user: UserRecord, folderId: number, n = 1, over: Partial<CopyDraft> = {}) {
      const copies = Array.from({ length: n }, () => draft(user, folderId, over));
      return store.openDelivery(Buffer.from(`Subject: ${seq}\r\n\r\nx\r\n`)).commit({ copies, attachments: [], outbound: null, searchText: null });
    }

    it('gives each stored copy the next UID of its folder, in the commit, and raises the MODSEQ', async () => {
      const before = (await store.imap.folder(dan.id, inbox))!;
      expect(before).toMatchObject({ uidValidity: inbox, uidNext: 1 });
      const { uids, messages } = await deliver(dan, inbox, 3);
      expect(uids).toEqual([1, 2, 3]);
      const after = (await store.imap.folder(dan.id, inbox))!;
      expect(after.uidNext).toBe(4);
      expect(after.highestModseq).toBeGreaterThan(before.highestModseq);
      expect(await store.imap.uids(dan.id, inbox)).toEqual([1, 2, 3]);
      const rows = await store.imap.messages(dan.id, inbox, [2, 3]);
      expect(rows.map((r) => [r.uid, r.id])).toEqual([[2, messages[1]!.id], [3, messages[2]!.id]]);
      expect(await store.imap.folder(eve.id, inbox)).toBeNull();
      expect(await store.imap.uids(eve.id, inbox)).toEqual([]);
    });

    it('lists exactly the UIDs asked for, sparse or long, and where their bytes are', async () => {
      expect((await store.imap.messages(dan.id, inbox, [3, 1])).map((r) => r.uid)).toEqual([1, 3]);
      expect(await store.imap.messages(dan.id, inbox, [])).toEqual([]);
      // A client's "1:*" over a big folder: more UIDs than one IN list takes, some of them gone.
      const many = Array.from({ length: 2000 }, (_, i) => 2 * i + 1);
      expect((await store.imap.messages(dan.id, inbox, many)).map((r) => r.uid)).toEqual([1, 3]);
      const [listed] = await store.imap.messages(dan.id, inbox, [2]);
      const [source] = await store.imap.messageSources(dan.id, inbox, [2]);
      expect(source).toEqual({ ...listed, rawSha256: expect.stringMatching(/^[0-9a-f]{64}$/), receivedHeader: expect.any(String) });
      expect(listed!.createdAt).toBeInstanceOf(Date);
      expect(await store.imap.messageSources(eve.id, inbox, null)).toEqual([]);
    });

    it('shares \\Seen and \\Flagged with the API and raises MODSEQ on every flag change', async () => {
      const [first] = await store.imap.messages(dan.id, inbox, [1]);
      await store.messages.update(dan.id, [first!.id], { isRead: true, isStarred: true });
      const [seen] = await store.imap.messages(dan.id, inbox, [1]);
      expect(seen).toMatchObject({ isRead: true, isStarred: true });
      expect(seen!.modseq).toBeGreaterThan(first!.modseq);
      expect((await store.imap.messages(dan.id, inbox, null, seen!.modseq - 1)).map((m) => m.uid)).toEqual([1]);

      const { changed } = await store.imap.setFlags(dan.id, inbox, [1, 2], { action: 'remove', flags: { isRead: true }, keywords: [] });
      expect(changed.map((m) => m.uid)).toEqual([1]);
      expect((await store.messages.get(dan.id, first!.id))!.isRead).toBe(false);
    });

    it('changes flags of messages in two folders at once: one new MODSEQ per folder on every message named, the counts recounted', async () => {
      // An owner of their own: the tests after this one count Dan's folders.
      const fay = await store.users.create({ email: 'fay@example.test', name: 'Fay', passwordHash: 'h' });
      const fayInbox = (await store.folders.findByKind(fay.id, 'inbox'))!.id;
      const archive = (await store.folders.findByKind(fay.id, 'archive'))!.id;
      const inInbox = (await deliver(fay, fayInbox, 2, { isRead: true })).messages;
      const inArchive = (await deliver(fay, archive, 2)).messages;
      const [inboxBefore, archiveBefore] = [(await store.imap.folder(fay.id, fayInbox))!, (await store.imap.folder(fay.id, archive))!];
      const unread = async (f: number) => (await store.folders.listWithCounts(fay.id)).find((x) => x.id === f)!.unreadCount;
      const [inboxUnread, archiveUnread] = [await unread(fayInbox), await unread(archive)];
      const ids = [...inInbox, ...inArchive].map((m) => m.id);

      await store.messages.update(fay.id, ids, { isRead: false });
      const [inboxAfter, archiveAfter] = [(await store.imap.folder(fay.id, fayInbox))!, (await store.imap.folder(fay.id, archive))!];
      expect([inboxAfter.highestModseq, archiveAfter.highestModseq]).toEqual([inboxBefore.highestModseq + 1, archiveBefore.highestModseq + 1]);
      // Already unread in Archive: still raised, as a client's CONDSTORE view of a STORE has it.
      expect((await store.imap.messages(fay.id, archive, null, archiveBefore.highestModseq)).map((m) => m.id)).toEqual(inArchive.map((m) => m.id));
      expect((await store.imap.messages(fay.id, fayInbox, null, inboxBefore.highestModseq)).map((m) => [m.id, m.isRead]))
        .toEqual(inInbox.map((m) => [m.id, false]));
      expect([await unread(fayInbox), await unread(archive)]).toEqual([inboxUnread + 2, archiveUnread]);

      await store.messages.update(fay.id, [inArchive[0]!.id], { isStarred: true });
      await store.messages.update(eve.id, ids, { isRead: true });
      expect((await store.messages.get(fay.id, inArchive[0]!.id))).toMatchObject({ isRead: false, isStarred: true });
      expect([await unread(fayInbox), await unread(archive)]).toEqual([inboxUnread + 2, archiveUnread]);
      const thread = (await store.messages.listThreadsInFolder(fay.id, archive, 50, null)).items.find((t) => t.id === inArchive[0]!.threadId);
      expect(thread).toMatchObject({ messageCount: 1, unreadCount: 1, isStarred: true });
    });

    it('sets, adds and removes flags and keywords, and leaves messages changed since UNCHANGEDSINCE alone', async () => {
      await store.imap.setFlags(dan.id, inbox, [2, 3], { action: 'add', flags: { isAnswered: true, isDeleted: true }, keywords: ['$Forwarded'] });
      await store.imap.setFlags(dan.id, inbox, [3], { action: 'add', flags: {}, keywords: ['$forwarded', 'Work'] });
      const rows = await store.imap.messages(dan.id, inbox, [2, 3]);
      expect(rows.map((r) => [r.isAnswered, r.isDeleted, r.keywords])).toEqual([[true, true, ['$Forwarded']], [true, true, ['$Forwarded', 'Work']]]);
      await store.imap.setFlags(dan.id, inbox, [3], { action: 'set', flags: { isDraft: true }, keywords: [] });
      expect((await store.imap.messages(dan.id, inbox, [3]))[0]).toMatchObject({ isDraft: true, isAnswered: false, isDeleted: false, keywords: [] });

      const stale = rows[0]!.modseq - 1;
      const result = await store.imap.setFlags(dan.id, inbox, [2], { action: 'add', flags: { isRead: true }, keywords: [], unchangedSince: stale });
      expect(result).toEqual({ changed: [], conflicts: [2] });
      expect((await store.imap.setFlags(eve.id, inbox, [2], { action: 'add', flags: { isRead: true }, keywords: [] })).changed).toEqual([]);
    });

    it('gives moved messages new UIDs in their new folder, ascending, and never reuses a UID', async () => {
      const archive = (await store.folders.findByKind(dan.id, 'archive'))!.id;
      const rows = await store.imap.messages(dan.id, inbox, [1, 2]);
      const moved = await store.messages.update(dan.id, rows.map((r) => r.id), { folderId: archive });
      expect(moved).toEqual([{ id: rows[0]!.id, uid: 1 }, { id: rows[1]!.id, uid: 2 }]);
      expect(await store.imap.uids(dan.id, inbox)).toEqual([3]);
      await store.messages.update(dan.id, [rows[0]!.id], { folderId: inbox });
      expect(await store.imap.uids(dan.id, inbox)).toEqual([3, 4]);
      expect((await deliver(dan, inbox)).uids).toEqual([5]);
    });

    it('copies into another folder with new UIDs, within the quota', async () => {
      const drafts = (await store.folders.findByKind(dan.id, 'drafts'))!.id;
      const mapping = await store.imap.copy(dan.id, inbox, [3, 5], drafts, { bytes: null, mailbox: dan.email });
      expect(mapping.map((m) => [m.sourceUid, m.uid])).toEqual([[3, 1], [5, 2]]);
      expect((await store.messages.get(dan.id, mapping[0]!.id))!.folderId).toBe(drafts);
      const err = await store.imap.copy(dan.id, inbox, [3], drafts, { bytes: 1, mailbox: dan.email }).catch((e: unknown) => e);
      expect(isQuotaExceeded(err)).toBe(true);
      expect(await store.imap.uids(dan.id, drafts)).toEqual([1, 2]);
      expect(await store.imap.copy(eve.id, inbox, [3], drafts, { bytes: null, mailbox: eve.email })).toEqual([]);
    });

    it('leaves a copy to be indexed for search: pending until its entry is added, as a process that died after the COPY leaves it', async () => {
      const archive = (await store.folders.findByKind(dan.id, 'archive'))!.id;
      const { uids } = await deliver(dan, inbox);
      const [copied] = await store.imap.copy(dan.id, inbox, uids, archive, { bytes: null, mailbox: dan.email });
      const pendingIds = async () => (await store.searchIndex.pending(1000)).map((m) => m.id);
      expect(await pendingIds()).toContain(copied!.id);
      const [fields] = await store.searchIndex.messages([copied!.id, 999_999]);
      expect(fields).toMatchObject({ id: copied!.id, subject: (await store.messages.get(dan.id, copied!.id))!.subject });
      await store.searchIndex.add([{ id: copied!.id, text: { subject: 'copied', sender: '', recipients: '', body: '', attachments: '' } }]);
      expect(await pendingIds()).not.toContain(copied!.id);
    });

    it('creates, renames (with nested folders) and removes custom folders; a removed folder\'s mail goes where it is told', async () => {
      const work = await store.folders.create(dan.id, 'Work');
      const nested = await store.folders.create(dan.id, 'Work/2026');
      await expect(store.folders.create(dan.id, 'Work')).rejects.toBeInstanceOf(DuplicateKey);
      expect(work.kind).toBe('custom');
      await deliver(dan, nested.id, 2);
      expect(await store.folders.rename(dan.id, work.id, 'Jobs')).toMatchObject({ id: work.id, name: 'Jobs' });
      expect((await store.folders.findOwned(dan.id, nested.id))!.name).toBe('Jobs/2026');
      expect(await store.folders.rename(eve.id, work.id, 'Mine')).toBeNull();
      await expect(store.folders.rename(dan.id, work.id, 'Inbox')).rejects.toBeInstanceOf(DuplicateKey);

      const trash = (await store.folders.findByKind(dan.id, 'trash'))!.id;
      expect(await store.folders.remove(eve.id, nested.id, trash)).toBe(false);
      expect(await store.folders.remove(dan.id, nested.id, trash)).toBe(true);
      expect(await store.folders.findOwned(dan.id, nested.id)).toBeNull();
      expect(await store.imap.uids(dan.id, trash)).toEqual([1, 2]);
      const again = await store.folders.create(dan.id, 'Jobs/2026');
      expect((await store.imap.folder(dan.id, again.id))!.uidValidity).not.toBe(nested.id);
    });
  });
}
