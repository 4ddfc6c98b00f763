// One set of folders for IMAP and HTTP: CREATE/RENAME/DELETE (nested with
// "/", modified UTF-7 names) seen by the API, POST/PATCH/DELETE /api/folders
// seen over IMAP, system folders kept, owners kept apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { deliver, imaplib, text } from './imap-harness.js';

let server: TestServer;
let imapPort: number;
let api: ApiClient;
let otherApi: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  imapPort = server.chitbox.imapPort!;
  api = server.api((await server.register('fay@example.test')).token);
  otherApi = server.api((await server.register('gus@example.test')).token);
  await deliver(server.smtpPort, 'fay@example.test', 'to file');
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  await server?.stop();
});

const names = async (client: ApiClient) => (await client.get('/api/folders')).body.folders.map((f: { name: string }) => f.name);
const listed = async () => {
  const [, , [, lines]] = await imaplib(imapPort, [['login', 'fay@example.test', PASSWORD], ['list', '""', '*']]);
  return (lines as Buffer[]).map(text);
};

describe('custom folders over IMAP and HTTP', () => {
  it('CREATE and RENAME over IMAP, nested with "/", with modified UTF-7 names; the API shows the same folders', async () => {
    // "Entwürfe" and "日本" in RFC 3501 5.1.3 modified UTF-7.
    const results = await imaplib(imapPort, [
      ['login', 'fay@example.test', PASSWORD],
      ['create', 'Projects'],
      ['create', 'Projects/Entw&APw-rfe'],
      ['create', '&ZeVnLA-'],
      ['create', 'Projects'],
      ['rename', 'Projects', 'Work'],
      ['create', 'INBOX'],
    ]);
    expect(results.slice(2, 5).map((r: [string]) => r[0])).toEqual(['OK', 'OK', 'OK']);
    expect(results[5][0]).toBe('NO');
    expect(text(results[5][1][0])).toContain('[ALREADYEXISTS]');
    expect(results[6][0]).toBe('OK');
    expect(results[7][0]).toBe('NO');
    expect(await names(api)).toEqual(expect.arrayContaining(['Work', 'Work/Entwürfe', '日本']));
    const lines = await listed();
    expect(lines.some((l) => l.endsWith('"Work/Entw&APw-rfe"') || l.endsWith('Work/Entw&APw-rfe'))).toBe(true);
    expect(lines.some((l) => l.includes('&ZeVnLA-'))).toBe(true);
    expect(await names(otherApi)).not.toContain('Work');
  });

  it('POST, PATCH and DELETE /api/folders are seen over IMAP; a deleted folder\'s mail goes to Trash', async () => {
    const created = await api.post('/api/folders', { name: 'Receipts' });
    expect(created.status).toBe(201);
    expect(created.body.folder).toMatchObject({ name: 'Receipts', kind: 'custom', totalCount: 0 });
    expect((await api.post('/api/folders', { name: 'Receipts' })).status).toBe(409);
    expect((await api.post('/api/folders', { name: 'a//b' })).status).toBe(400);
    const [, , moved] = await imaplib(imapPort, [['login', 'fay@example.test', PASSWORD], ['select', 'INBOX'], ['uid', 'MOVE', '1', 'Receipts']]);
    expect(moved[0]).toBe('OK');

    const renamed = await api.patch(`/api/folders/${created.body.folder.id}`, { name: 'Bills' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.folder).toMatchObject({ name: 'Bills', totalCount: 1 });
    expect((await listed()).some((l) => l.endsWith('Bills') || l.endsWith('"Bills"'))).toBe(true);

    expect((await otherApi.del(`/api/folders/${created.body.folder.id}`)).status).toBe(404);
    expect((await api.del(`/api/folders/${created.body.folder.id}`)).status).toBe(204);
    const trash = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'trash');
    expect(trash.totalCount).toBe(1);
  });

  it('system folders cannot be renamed or deleted (409 over HTTP, NO over IMAP); DELETE of a custom folder works', async () => {
    const inbox = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    expect((await api.patch(`/api/folders/${inbox.id}`, { name: 'Mine' })).status).toBe(409);
    expect((await api.del(`/api/folders/${inbox.id}`)).status).toBe(409);
    const [, , trash, sent, parent, child, gone] = await imaplib(imapPort, [
      ['login', 'fay@example.test', PASSWORD], ['delete', 'Trash'], ['rename', 'Sent', 'Outbox'],
      ['delete', 'Work'], ['delete', 'Work/Entw&APw-rfe'], ['delete', 'Work'],
    ]);
    expect([trash[0], sent[0], parent[0]]).toEqual(['NO', 'NO', 'NO']);
    expect(text(trash[1][0])).toContain('[CANNOT]');
    expect([child[0], gone[0]]).toEqual(['OK', 'OK']);
    expect(await names(api)).not.toContain('Work');
  });
});
