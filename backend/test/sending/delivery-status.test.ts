// Ticks for mail to outside addresses, through a real relay (relay-sink.ts):
// queued → relayed, queued → failed with the relay's reason, a retry that ends
// relayed; read receipts by mail (RFC 8098): asked for only when the sender
// turned that on, a receipt arriving marks the message read, and a request is
// answered only with the reader's consent, once.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeReadReceipt } from '../../src/mail/read-receipt.js';
import { collectEvents, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { startRelaySink, waitFor, type RelaySink } from './relay-sink.js';
import { listFolder } from './sending-helpers.js';

let sink: RelaySink;
let server: TestServer;
let alice: { api: ApiClient; socket: Socket; statuses: any[]; reads: any[] };
let bob: { api: ApiClient; socket: Socket; mail: any[] };
let inbound: Transporter;

beforeAll(async () => {
  sink = await startRelaySink();
  server = await startTestServer({
    SMTP_RELAY_HOST: '127.0.0.1',
    SMTP_RELAY_PORT: String(sink.port),
    QUEUE_RETRY_MIN_MS: '100',
    QUEUE_RETRY_MAX_MS: '200',
    QUEUE_POLL_MS: '50',
  });
  const a = await server.register('alice@example.test');
  const aliceSocket = await server.socket(a.token);
  alice = {
    api: server.api(a.token), socket: aliceSocket,
    statuses: collectEvents(aliceSocket, 'delivery_status'), reads: collectEvents(aliceSocket, 'message_read'),
  };
  const b = await server.register('bob@example.test');
  const bobSocket = await server.socket(b.token);
  bob = { api: server.api(b.token), socket: bobSocket, mail: collectEvents(bobSocket, 'new_email') };
  inbound = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  inbound?.close();
  await server?.stop();
  await sink?.close();
});

beforeEach(() => {
  sink.behavior = () => 'accept';
  sink.rcptReplies.clear();
});

async function send(to: string[], subject: string) {
  const res = await alice.api.post('/api/messages', { to, subject, text: `text of ${subject}` });
  expect(res.status).toBe(202);
  return res.body.message;
}

const activeQueue = async () => (await server.chitbox.store.outbound.list()).filter((r) => ['pending', 'sending', 'retry'].includes(r.status));
const statusesOf = (messageId: number) => alice.statuses.filter((e) => e.messageId === messageId);
const waitStatus = (messageId: number, recipient: string, status: string) =>
  waitFor(() => statusesOf(messageId).some((e) => e.recipient === recipient && e.status === status), `${recipient} ${status}`);

describe('delivery_status for outside recipients', () => {
  it('queued, then relayed when the relay takes it; a local recipient in the same message is delivered', async () => {
    const sent = await send(['jane@remote.test', 'bob@example.test'], 'Mixed');
    expect(sent.recipients).toEqual([
      { address: 'jane@remote.test', name: '', status: 'queued', at: expect.any(String) },
      { address: 'bob@example.test', name: '', status: 'delivered', at: expect.any(String) },
    ]);
    await waitStatus(sent.id, 'jane@remote.test', 'relayed');
    expect(statusesOf(sent.id).map((e) => [e.recipient, e.status])).toEqual([
      ['jane@remote.test', 'queued'],
      ['bob@example.test', 'delivered'],
      ['jane@remote.test', 'relayed'],
    ]);
    for (const e of statusesOf(sent.id)) expect(e).toMatchObject({ threadId: sent.threadId, at: expect.any(String) });
    const got = (await alice.api.get(`/api/messages/${sent.id}`)).body.message;
    expect(got.recipients.map((r: any) => [r.address, r.status])).toEqual([['jane@remote.test', 'relayed'], ['bob@example.test', 'delivered']]);
    expect(sink.received.find((m) => m.to.includes('jane@remote.test'))).toBeDefined();
  });

  it('failed with the relay\'s reason when it refuses the recipient for good', async () => {
    sink.rcptReplies.set('gone@remote.test', 550);
    const sent = await send(['gone@remote.test'], 'To nobody');
    await waitStatus(sent.id, 'gone@remote.test', 'failed');
    const failed = statusesOf(sent.id).find((e) => e.status === 'failed');
    expect(failed.reason).toMatch(/550|No such user/);
    const got = (await alice.api.get(`/api/messages/${sent.id}`)).body.message;
    expect(got.recipients).toEqual([{ address: 'gone@remote.test', name: '', status: 'failed', at: expect.any(String), reason: failed.reason }]);
  });

  it('stays queued through a temporary failure, then relayed', async () => {
    let tempFailed = 0;
    sink.behavior = () => (tempFailed++ === 0 ? 'tempfail' : 'accept');
    const sent = await send(['later@remote.test'], 'Greylisted');
    await waitStatus(sent.id, 'later@remote.test', 'relayed');
    expect(tempFailed).toBeGreaterThanOrEqual(1);
    expect(statusesOf(sent.id).map((e) => e.status)).toEqual(['queued', 'relayed']);
  });
});

describe('read receipts by mail (RFC 8098)', () => {
  it('asks outside recipients for a receipt only when the sender turned that on', async () => {
    await send(['plain@remote.test'], 'No receipt asked');
    await waitFor(() => sink.received.some((m) => m.to.includes('plain@remote.test')), 'plain relayed');
    expect(sink.received.find((m) => m.to.includes('plain@remote.test'))!.raw.toString()).not.toMatch(/^Disposition-Notification-To:/im);

    await alice.api.patch('/api/settings/chat', { requestReadReceipts: true });
    await send(['asked@remote.test'], 'Receipt asked');
    await waitFor(() => sink.received.some((m) => m.to.includes('asked@remote.test')), 'asked relayed');
    expect(sink.received.find((m) => m.to.includes('asked@remote.test'))!.raw.toString()).toMatch(/^Disposition-Notification-To: <alice@example\.test>\r$/im);
  });

  it('a receipt arriving by mail marks the message read for its sender, once', async () => {
    const sent = await send(['reader@remote.test'], 'Please read');
    await waitStatus(sent.id, 'reader@remote.test', 'relayed');
    const original = sink.received.find((m) => m.to.includes('reader@remote.test'))!.raw;
    const receipt = await composeReadReceipt({
      hostname: 'remote.test', reader: { address: 'reader@remote.test', name: 'Reader' }, to: 'alice@example.test',
      original, messageId: 'mdn-1@remote.test', date: new Date(),
    });
    for (let i = 0; i < 2; i++) await inbound.sendMail({ envelope: { from: '', to: ['alice@example.test'] }, raw: receipt });
    await waitFor(() => alice.reads.some((e) => e.messageId === sent.id), 'message_read');
    await server.chitbox.core.chat.settled();
    expect(alice.reads.filter((e) => e.messageId === sent.id)).toEqual([
      { messageId: sent.id, threadId: sent.threadId, reader: { address: 'reader@remote.test', name: expect.any(String) }, readAt: expect.any(String) },
    ]);
    expect(statusesOf(sent.id).map((e) => e.status)).toEqual(['queued', 'relayed', 'read']);
  });

  it('answers a request only with the reader\'s consent, once, from the null sender', async () => {
    const ask = (subject: string) =>
      inbound.sendMail({
        from: 'Jane <jane@remote.test>', to: 'bob@example.test', subject, text: 'Did you get this?',
        headers: { 'Disposition-Notification-To': 'jane@remote.test' },
      });
    const copyOf = async (subject: string) => {
      await waitFor(() => bob.mail.some((e) => e.email.subject === subject), subject);
      return bob.mail.find((e) => e.email.subject === subject).email;
    };
    const receipts = () => sink.received.filter((m) => m.to.includes('jane@remote.test') && /disposition-notification/.test(m.raw.toString()));

    await ask('Without consent');
    const first = await copyOf('Without consent');
    await bob.api.patch(`/api/messages/${first.id}`, { isRead: true });
    await server.chitbox.core.chat.settled();
    expect(receipts()).toEqual([]);
    expect(await activeQueue()).toEqual([]);

    await bob.api.patch('/api/settings/chat', { sendReadReceipts: true });
    await ask('With consent');
    const second = await copyOf('With consent');
    await bob.api.patch(`/api/messages/${second.id}`, { isRead: true });
    await waitFor(() => receipts().length > 0, 'a receipt relayed');
    const [receipt] = receipts();
    expect(receipt!.from).toBe('');
    expect(receipt!.raw.toString()).toMatch(/report-type=disposition-notification/);
    expect(receipt!.raw.toString()).toContain('Final-Recipient: rfc822;bob@example.test');
    // Read again (and unread in between): no second receipt, and none kept in Sent.
    await bob.api.patch(`/api/messages/${second.id}`, { isRead: false });
    await bob.api.patch(`/api/messages/${second.id}`, { isRead: true });
    await server.chitbox.core.chat.settled();
    await waitFor(async () => (await activeQueue()).length === 0, 'queue empty');
    expect(receipts()).toHaveLength(1);
    expect((await listFolder(bob.api, 'sent')).filter((m) => /^Read:/.test(m.subject))).toEqual([]);
  });
});
