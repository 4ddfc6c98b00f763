// Issue 4: POST /api/messages composes with attachments and replies that
// thread on both sides; refusals with their exact statuses.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, startTestServer, type TestServer } from '../support/test-server.js';
import { folderId, listFolder } from './sending-helpers.js';

type Account = { token: string; user: { id: number; email: string } };
let server: TestServer;
let alice: Account;
let bob: Account;
let carol: Account;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const fileA = Buffer.from('%PDF-1.4\n' + 'a'.repeat(5000));
const fileB = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));

beforeAll(async () => {
  server = await startTestServer({ SMTP_MAX_MESSAGE_BYTES: String(300 * 1024) });
  alice = await server.register('alice@example.test');
  bob = await server.register('bob@example.test');
  carol = await server.register('carol@example.test');
});

afterAll(async () => {
  await server?.stop();
});

function multipart(fields: Record<string, string | string[]>, files: Array<{ name: string; type: string; bytes: Buffer }>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  for (const f of files) form.append('attachments', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  return form;
}

describe('POST /api/messages', () => {
  let original: any; // alice's Sent copy
  let bobCopy: any;

  it('sends multipart with two attachments: 202 with the Sent copy, live on both sides', async () => {
    const aliceSocket = await server.socket(alice.token);
    const bobSocket = await server.socket(bob.token);
    const aliceEvent = nextEvent(aliceSocket, 'new_email', 60_000);
    const bobEvent = nextEvent(bobSocket, 'new_email', 60_000);
    const res = await server.api(alice.token).raw('POST', '/api/messages', {
      body: multipart({ to: ['Bob <bob@example.test>'], subject: 'Project files', text: 'Both files attached.\nCheers' }, [
        { name: 'report.pdf', type: 'application/pdf', bytes: fileA },
        { name: 'data.bin', type: 'application/octet-stream', bytes: fileB },
      ]),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    original = res.body.message;
    expect(original.folderId).toBe(await folderId(server.api(alice.token), 'sent'));
    expect(original.isRead).toBe(true);
    expect(original.messageId).toMatch(/^[0-9a-f-]{36}@mx\.chitbox\.test$/);
    expect(original.inReplyTo).toBeNull();
    expect(original.attachments.map((a: any) => [a.filename, a.contentType, a.size, a.sha256])).toEqual([
      ['report.pdf', 'application/pdf', fileA.length, sha(fileA)],
      ['data.bin', 'application/octet-stream', fileB.length, sha(fileB)],
    ]);
    expect((await aliceEvent).email.id).toBe(original.id);
    const received = await bobEvent;
    bobCopy = (await server.api(bob.token).get(`/api/messages/${received.email.id}`)).body.message;
    expect(bobCopy.folderId).toBe(await folderId(server.api(bob.token), 'inbox'));
    expect(bobCopy.messageId).toBe(original.messageId);
    expect(bobCopy.fromEmail).toBe('alice@example.test');
    expect(bobCopy.bodyText).toContain('Both files attached.');
    for (const [i, bytes] of [fileA, fileB].entries()) {
      const dl = await server.api(bob.token).raw('GET', `/api/attachments/${bobCopy.attachments[i].id}`);
      expect(dl.status).toBe(200);
      expect(sha(dl.bytes)).toBe(sha(bytes));
    }
  });

  it('a JSON reply threads on both sides, and a reply to the reply too', async () => {
    const res = await server.api(bob.token).post('/api/messages', {
      to: ['alice@example.test'], subject: 'Re: Project files', text: 'Got them, thanks', inReplyToId: bobCopy.id,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const reply = res.body.message;
    expect(reply.inReplyTo).toBe(original.messageId);
    expect(reply.threadId).toBe(bobCopy.threadId); // bob's Sent reply joins his conversation

    const aliceInbox = await listFolder(server.api(alice.token), 'inbox');
    const aliceReply = aliceInbox.find((m) => m.subject === 'Re: Project files');
    expect(aliceReply.threadId).toBe(original.threadId);

    // Alice answers without a subject: it defaults to the parent's "Re:".
    const again = await server.api(alice.token).post('/api/messages', { to: ['bob@example.test'], text: 'Great', inReplyToId: aliceReply.id });
    expect(again.status).toBe(202);
    expect(again.body.message.subject).toBe('Re: Project files');
    expect(again.body.message.threadId).toBe(original.threadId);

    const aliceThread = (await server.api(alice.token).get(`/api/threads/${original.threadId}`)).body.messages;
    const bodies = ['Both files attached.\nCheers', 'Got them, thanks', 'Great'];
    expect(aliceThread.map((m: any) => m.bodyText.trim())).toEqual(bodies);
    const bobThread = (await server.api(bob.token).get(`/api/threads/${bobCopy.threadId}`)).body.messages;
    expect(bobThread.map((m: any) => m.bodyText.trim())).toEqual(bodies);
    expect(bobThread[2].inReplyTo).toBe(reply.messageId);
    const raw = (await server.api(bob.token).raw('GET', `/api/messages/${bobThread[2].id}/raw`)).bytes.toString('latin1');
    expect(raw).toMatch(new RegExp(`References: <${original.messageId}>\\s+<${reply.messageId}>`));
  });

  it('delivers Bcc recipients without a Bcc header', async () => {
    const res = await server.api(alice.token).post('/api/messages', {
      to: ['bob@example.test'], bcc: ['carol@example.test'], subject: 'quiet copy', text: 'hi',
    });
    expect(res.status).toBe(202);
    const carolInbox = await listFolder(server.api(carol.token), 'inbox');
    const copy = carolInbox.find((m) => m.subject === 'quiet copy');
    expect(copy).toBeDefined();
    const raw = (await server.api(carol.token).raw('GET', `/api/messages/${copy.id}/raw`)).bytes.toString('latin1');
    expect(raw).not.toMatch(/^Bcc:/im);
  });

  it('answers 404 for inReplyToId of a message that is not yours', async () => {
    const res = await server.api(carol.token).post('/api/messages', { to: ['bob@example.test'], text: 'x', inReplyToId: bobCopy.id });
    expect(res.status).toBe(404);
  });

  it.each([
    [{ to: ['not an address'], text: 'x' }, 'invalid_address'],
    [{ to: ['u%ext.test@example.test'], text: 'x' }, 'invalid_address'],
    [{ to: ['bob@example.test'], cc: ['bad@'], text: 'x' }, 'invalid_address'],
    [{ to: [], text: 'x' }, 'no_recipients'],
    [{ to: 'bob@example.test', inReplyToId: 'abc' }, 'validation_failed'],
  ])('answers 400 to %j', async (body, code) => {
    const res = await server.api(alice.token).post('/api/messages', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('answers 422 relay_not_configured for an external recipient, and 422 unknown_user for a local one', async () => {
    const ext = await server.api(alice.token).post('/api/messages', { to: ['bob@example.test', 'friend@ext.test'], text: 'x' });
    expect(ext.status).toBe(422);
    expect(ext.body.error.code).toBe('relay_not_configured');
    const unknown = await server.api(alice.token).post('/api/messages', { to: ['nobody@example.test'], text: 'x' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_user');
  });

  it('answers 413 over the message size, multipart or JSON', async () => {
    const big = Buffer.alloc(310 * 1024, 1);
    const multi = await server.api(alice.token).raw('POST', '/api/messages', {
      body: multipart({ to: 'bob@example.test', text: 'big' }, [{ name: 'big.bin', type: 'application/octet-stream', bytes: big }]),
    });
    expect(multi.status).toBe(413);
    // Fits as a file, but not once base64-encoded into the message.
    const nearly = Buffer.alloc(250 * 1024, 2);
    const json = await server.api(alice.token).post('/api/messages', {
      to: ['bob@example.test'], text: 'big', attachments: [{ filename: 'n.bin', content: nearly.toString('base64') }],
    });
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('message_too_large');
  });

  it('needs a token', async () => {
    expect((await server.api().post('/api/messages', { to: ['bob@example.test'] })).status).toBe(401);
  });

  it('never queued anything: every recipient was local', async () => {
    expect(await server.chitbox.store.outbound.list()).toEqual([]);
  });
});
