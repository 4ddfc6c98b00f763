// PATCH and DELETE on messages, the events they send to the owner's other
// tabs, and 404 for anything that belongs to someone else.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobLocation } from '../support/blob-census.js';
import { sha256, storedBytes, storedIds } from '../support/mail-helpers.js';
import { collectEvents, nextEvent, sleep, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;
let carol: ApiClient;
let bobSocket: Socket;
let carolEvents: unknown[];
let folders: Record<string, { id: number }>;
let carolFolders: Record<string, { id: number }>;
let messageId: number;
let carolMessage: any;
const attachmentBytes = Buffer.from('attachment that only this message has');

async function folderMap(api: ApiClient): Promise<Record<string, any>> {
  const res = await api.get('/api/folders');
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.folders.map((f: { kind: string }) => [f.kind, f]));
}

beforeAll(async () => {
  server = await startTestServer();
  const b = await server.register('bob@example.test');
  const c = await server.register('carol@example.test');
  bob = server.api(b.token);
  carol = server.api(c.token);
  bobSocket = await server.socket(b.token);
  const carolSocket = await server.socket(c.token);
  carolEvents = [
    ...['new_email', 'email_updated', 'email_deleted'].map((e) => collectEvents(carolSocket, e)),
  ] as unknown[];
  const mailer = server.mailer();
  const info = await mailer.sendMail({
    from: 'a@remote.test', to: 'bob@example.test', subject: 'To file', text: 'body',
    attachments: [{ filename: 'only.txt', content: attachmentBytes }],
  });
  messageId = storedIds(info.response ?? '')[0]!;
  const toCarol = await mailer.sendMail({
    from: 'a@remote.test', to: 'carol@example.test', subject: 'Carol only', text: 'c',
    attachments: [{ filename: 'c.txt', content: 'carol' }],
  });
  carolMessage = (await carol.get(`/api/messages/${storedIds(toCarol.response ?? '')[0]}`)).body.message;
  folders = await folderMap(bob);
  carolFolders = await folderMap(carol);
});

afterAll(async () => {
  await server.stop();
});

describe("another user's data", () => {
  it('is 404: message, raw, attachment, thread, folder listings', async () => {
    const paths = [
      `/api/messages/${carolMessage.id}`,
      `/api/messages/${carolMessage.id}/raw`,
      `/api/attachments/${carolMessage.attachments[0].id}`,
      `/api/threads/${carolMessage.threadId}`,
      `/api/folders/${carolFolders.inbox!.id}/messages`,
      `/api/folders/${carolFolders.inbox!.id}/threads`,
    ];
    for (const p of paths) {
      const res = await bob.get(p);
      expect(res.status, p).toBe(404);
      expect(res.body.error.code, p).toBe('not_found');
      // Carol herself can read every one of them: the 404 is about ownership.
      expect((await carol.get(p)).status, p).toBe(200);
    }
  });

  it('is 404 to move a message into a folder of another user', async () => {
    const res = await bob.patch(`/api/messages/${messageId}`, { folderId: carolFolders.archive!.id });
    expect(res.status).toBe(404);
    expect((await bob.get(`/api/messages/${messageId}`)).body.message.folderId).toBe(folders.inbox!.id);
  });

  it('is 404 for ids that do not exist, 400 for ids that are not ids', async () => {
    expect((await bob.get('/api/messages/987654')).status).toBe(404);
    expect((await bob.get('/api/messages/abc')).status).toBe(400);
    expect((await bob.get('/api/folders/0/messages')).status).toBe(400);
  });
});

describe('PATCH /api/messages/:id', () => {
  it('marks read and tells the owner with email_updated', async () => {
    const event = nextEvent(bobSocket, 'email_updated');
    const res = await bob.patch(`/api/messages/${messageId}`, { isRead: true });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: messageId, isRead: true, isStarred: false });
    expect(await event).toMatchObject({ id: messageId, isRead: true, isStarred: false, folderId: folders.inbox!.id });
    expect((await folderMap(bob)).inbox).toMatchObject({ unreadCount: 0, totalCount: 1 });
    expect((await bob.get(`/api/messages/${messageId}`)).body.message.isRead).toBe(true);
  });

  it('stars', async () => {
    const event = nextEvent(bobSocket, 'email_updated');
    const res = await bob.patch(`/api/messages/${messageId}`, { isStarred: true, isRead: false });
    expect(res.body.message).toMatchObject({ isStarred: true, isRead: false });
    expect(await event).toMatchObject({ id: messageId, isStarred: true, isRead: false });
    expect((await bob.get(`/api/messages/${messageId}`)).body.message).toMatchObject({ isStarred: true, isRead: false });
  });

  it('moves to another folder', async () => {
    const event = nextEvent(bobSocket, 'email_updated');
    const res = await bob.patch(`/api/messages/${messageId}`, { folderId: folders.archive!.id });
    expect(res.status).toBe(200);
    expect(res.body.message.folderId).toBe(folders.archive!.id);
    expect(await event).toMatchObject({ id: messageId, folderId: folders.archive!.id, previousFolderId: folders.inbox!.id });
    const after = await folderMap(bob);
    expect(after.inbox.totalCount).toBe(0);
    expect(after.archive.totalCount).toBe(1);
    const listed = await bob.get(`/api/folders/${folders.archive!.id}/messages`);
    expect(listed.body.messages.map((m: { id: number }) => m.id)).toEqual([messageId]);
  });

  it('refuses an empty, mistyped or unknown change with 400', async () => {
    for (const body of [{}, { isRead: 'yes' }, { folderId: -1 }, { subject: 'x' }]) {
      const res = await bob.patch(`/api/messages/${messageId}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
  });
});

describe('PATCH /api/threads/:id', () => {
  it('marks the thread read as one change: one messages.updated event with every message, one email_updated each to the tabs', async () => {
    const mailer = server.mailer();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const info = await mailer.sendMail({
        from: 'a@remote.test', to: 'bob@example.test', subject: i === 0 ? 'Plans' : 'Re: Plans', text: `part ${i}`,
        messageId: `<plans${i}@remote.test>`, ...(i > 0 ? { inReplyTo: `<plans${i - 1}@remote.test>`, references: ['<plans0@remote.test>'] } : {}),
      });
      ids.push(storedIds(info.response ?? '')[0]!);
    }
    const threadId = (await bob.get(`/api/messages/${ids[0]}`)).body.message.threadId;
    const published: unknown[] = [];
    const off = server.chitbox.core.events.subscribe('messages.updated', (e) => published.push(e));
    const tabs = collectEvents(bobSocket, 'email_updated');
    try {
      const res = await bob.patch(`/api/threads/${threadId}?folderId=${folders.inbox!.id}`, { isRead: true });
      expect(res.status).toBe(200);
      expect(res.body.thread).toMatchObject({ id: threadId, messageCount: 3, unreadCount: 0 });
      expect(published).toEqual([{
        userId: expect.any(Number),
        updates: ids.map((id) => ({ message: expect.objectContaining({ id, threadId, isRead: true }), previousFolderId: folders.inbox!.id })),
      }]);
      await expect.poll(() => tabs.length).toBe(3);
      expect(tabs).toEqual(ids.map((id) => ({
        id, threadId, folderId: folders.inbox!.id, previousFolderId: folders.inbox!.id, isRead: true, isStarred: false,
      })));
      const thread = (await bob.get(`/api/folders/${folders.inbox!.id}/threads`)).body.threads.find((t: { id: number }) => t.id === threadId);
      expect(thread).toMatchObject({ messageCount: 3, unreadCount: 0 });
    } finally {
      off();
      bobSocket.off('email_updated');
    }
  });
});

describe('DELETE /api/messages/:id', () => {
  it('moves to Trash first', async () => {
    const event = nextEvent(bobSocket, 'email_updated');
    expect((await bob.del(`/api/messages/${messageId}`)).status).toBe(204);
    expect(await event).toMatchObject({ id: messageId, folderId: folders.trash!.id, previousFolderId: folders.archive!.id });
    const m = (await bob.get(`/api/messages/${messageId}`)).body.message;
    expect(m.folderId).toBe(folders.trash!.id);
    expect((await folderMap(bob)).trash.totalCount).toBe(1);
  });

  it('then deletes for good with email_deleted, and everything about it is 404', async () => {
    const m = (await bob.get(`/api/messages/${messageId}`)).body.message;
    const rawSha = sha256(await storedBytes(bob, messageId));
    // Small blobs: rows of small_blobs (blob-store.ts).
    expect(await blobLocation(server.dataDir, rawSha)).toBe('row');
    expect(await blobLocation(server.dataDir, sha256(attachmentBytes))).toBe('row');
    const event = nextEvent(bobSocket, 'email_deleted');
    expect((await bob.del(`/api/messages/${messageId}`)).status).toBe(204);
    expect(await event).toEqual({ id: messageId, threadId: m.threadId, folderId: folders.trash!.id });
    for (const p of [`/api/messages/${messageId}`, `/api/messages/${messageId}/raw`, `/api/attachments/${m.attachments[0].id}`, `/api/threads/${m.threadId}`]) {
      expect((await bob.get(p)).status, p).toBe(404);
    }
    expect((await bob.del(`/api/messages/${messageId}`)).status).toBe(404);
    expect((await folderMap(bob)).trash.totalCount).toBe(0);
    // The blobs only this message used are gone too.
    expect(await blobLocation(server.dataDir, rawSha)).toBeNull();
    expect(await blobLocation(server.dataDir, sha256(attachmentBytes))).toBeNull();
  });

  it('sent none of it to the other user', async () => {
    await sleep(100);
    expect((carolEvents as unknown[][]).map((list) => list.length)).toEqual([1, 0, 0]);
  });
});
