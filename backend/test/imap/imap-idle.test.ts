// Changes flow both ways at once: an IDLE session hears of mail stored over
// SMTP (EXISTS), a flag set in the web (FETCH), a move made by another IMAP
// session (EXPUNGE); the web's socket hears of the IMAP changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, startTestServer, PASSWORD, type ApiClient, type TestServer } from '../support/test-server.js';
import { deliver, ImapLineClient } from './imap-harness.js';

let server: TestServer;
let imapPort: number;
let api: ApiClient;
let token: string;
const clients: ImapLineClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  imapPort = server.chitbox.imapPort!;
  ({ token } = await server.register('iris@example.test'));
  api = server.api(token);
  await deliver(server.smtpPort, 'iris@example.test', 'already here');
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
});

async function session(): Promise<ImapLineClient> {
  const c = await ImapLineClient.connect(imapPort);
  clients.push(c);
  const login = await c.command(`LOGIN iris@example.test "${PASSWORD}"`);
  expect(login.at(-1)).toMatch(/^t\d+ OK/);
  await c.command('SELECT INBOX');
  return c;
}

describe('IDLE and the event bus', () => {
  it('an IDLE session gets EXISTS for mail stored over SMTP, then FETCH for a flag set in the web', async () => {
    const idler = await session();
    const from = await idler.idle();
    await deliver(server.smtpPort, 'iris@example.test', 'while idling');
    expect(await idler.waitFor((l) => / EXISTS$/.test(l), from)).toBe('* 2 EXISTS');

    const inbox = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const newest = (await api.get(`/api/folders/${inbox.id}/messages`)).body.messages[0];
    expect((await api.patch(`/api/messages/${newest.id}`, { isRead: true, isStarred: true })).status).toBe(200);
    expect(await idler.waitFor((l) => / FETCH /.test(l), from)).toBe('* 2 FETCH (FLAGS (\\Seen \\Flagged))');
    await idler.done();
  });

  it('a move by another IMAP session is an EXPUNGE to the IDLE session and email_updated to the web', async () => {
    const socket = await server.socket(token);
    const idler = await session();
    const mover = await session();
    const from = await idler.idle();
    const updated = nextEvent<{ folderId: number; previousFolderId: number }>(socket, 'email_updated', 10_000);
    const moved = await mover.command('UID MOVE 1 Archive');
    expect(moved.some((l) => /^\* 1 EXPUNGE$/.test(l))).toBe(true);
    expect(moved.at(-1)).toMatch(/^t\d+ OK \[COPYUID \d+ 1 1\]/);
    expect(await idler.waitFor((l) => / EXPUNGE$/.test(l), from)).toBe('* 1 EXPUNGE');
    const event = await updated;
    expect(event.folderId).not.toBe(event.previousFolderId);
    await idler.done();
  });

  it('flags set over IMAP reach the web socket', async () => {
    const socket = await server.socket(token);
    const c = await session();
    const updated = nextEvent<{ isRead: boolean; isStarred: boolean }>(socket, 'email_updated', 10_000);
    const stored = await c.command('STORE 1 -FLAGS (\\Flagged)');
    expect(stored.at(-1)).toMatch(/OK/);
    expect(await updated).toMatchObject({ isRead: true, isStarred: false });
  });
});
