// Issue 4: mail for external recipients goes through the outbound queue to a
// real relay (an smtp-server started here that records envelopes and bytes).
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmtpLineClient } from '../support/smtp-line-client.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allCrlf, startRelaySink, waitFor, type RelaySink } from './relay-sink.js';
import { authPlain, listFolder, withoutTrace } from './sending-helpers.js';

let sink: RelaySink;
let server: TestServer;
let alice: { token: string; user: { id: number; email: string } };
let bob: { token: string; user: { id: number; email: string } };
const transports: Transporter[] = [];
const clients: SmtpLineClient[] = [];

beforeAll(async () => {
  sink = await startRelaySink();
  server = await startTestServer({
    SMTP_RELAY_HOST: '127.0.0.1',
    SMTP_RELAY_PORT: String(sink.port),
    QUEUE_RETRY_MIN_MS: '150',
    QUEUE_RETRY_MAX_MS: '300',
    QUEUE_POLL_MS: '50',
  });
  alice = await server.register('alice@example.test');
  bob = await server.register('bob@example.test');
});

afterAll(async () => {
  for (const t of transports) t.close();
  for (const c of clients) c.destroy();
  await server?.stop();
  await sink?.close();
});

beforeEach(() => {
  sink.behavior = () => 'accept';
  sink.rcptReplies.clear();
});

function submitter(): Transporter {
  const t = nodemailer.createTransport({
    host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true,
    auth: { user: 'alice@example.test', pass: PASSWORD },
  });
  transports.push(t);
  return t;
}

const queue = () => server.chitbox.store.outbound;

async function sentCopy(subject: string) {
  const sent = await listFolder(server.api(alice.token), 'sent');
  const copy = sent.find((m) => m.subject === subject);
  if (!copy) throw new Error(`no Sent copy "${subject}"`);
  const raw = await server.api(alice.token).raw('GET', `/api/messages/${copy.id}/raw`);
  return { copy, bytes: withoutTrace(raw.bytes) };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('outbound relay', () => {
  it('relays external recipients with the submitted bytes; local ones are delivered, never queued', async () => {
    const before = sink.received.length;
    await submitter().sendMail({
      from: 'alice@example.test',
      to: ['friend@ext.test', 'bob@example.test'],
      cc: 'Other <Other.Person@Far.Example>',
      subject: 'relay me',
      text: 'through the queue',
    });
    await sink.waitFor(() => sink.received.length > before, 'the relayed message');
    const relayed = sink.received.at(-1)!;
    expect(relayed.from).toBe('alice@example.test');
    expect(relayed.to.sort()).toEqual(['Other.Person@far.example', 'friend@ext.test']);
    // Bob got it at once through the inbound path.
    const inbox = await listFolder(server.api(bob.token), 'inbox');
    expect(inbox.some((m) => m.subject === 'relay me')).toBe(true);
    // The relayed bytes are the Sent copy's bytes.
    const { bytes } = await sentCopy('relay me');
    expect(sha(relayed.raw)).toBe(sha(bytes));
    const rows = await queue().list({}, 1000);
    const row = rows.find((r) => r.rawSha256 === sha(bytes))!;
    expect(row).toBeDefined();
    await waitFor(async () => (await queue().get(row.id))!.status === 'sent', 'status sent');
    for (const r of rows) for (const rcpt of r.recipients) expect(rcpt).not.toMatch(/@example\.test$/i);
  });

  it('retries after a 4xx and then delivers', async () => {
    const before = sink.received.length;
    const startAt = sink.dataStarts;
    sink.behavior = (n) => (n === startAt ? 'tempfail' : 'accept');
    await submitter().sendMail({ from: 'alice@example.test', to: 'grey@ext.test', subject: 'greylisted', text: 'try again' });
    await sink.waitFor(() => sink.received.length > before, 'delivery after the retry');
    expect(sink.dataStarts - startAt).toBe(2);
    const { bytes } = await sentCopy('greylisted');
    const row = (await queue().list({}, 1000)).find((r) => r.rawSha256 === sha(bytes))!;
    await waitFor(async () => (await queue().get(row.id))!.status === 'sent', 'status sent');
    const done = (await queue().get(row.id))!;
    expect(done.attempts).toBe(2);
  });

  it('retries only the recipient a relay deferred at RCPT', async () => {
    const before = sink.received.length;
    sink.rcptReplies.set('later@ext.test', 450);
    await submitter().sendMail({ from: 'alice@example.test', to: ['now@ext.test', 'later@ext.test'], subject: 'split', text: 'x' });
    await sink.waitFor(() => sink.received.length > before, 'the first delivery');
    expect(sink.received.at(-1)!.to).toEqual(['now@ext.test']);
    sink.rcptReplies.clear();
    await sink.waitFor(() => sink.received.length > before + 1, 'the deferred recipient');
    expect(sink.received.at(-1)!.to).toEqual(['later@ext.test']);
    // The row is marked sent (and message.sent published) after the relay's reply: wait for it, so it does not reach the next test.
    const { bytes } = await sentCopy('split');
    const row = (await queue().list({}, 1000)).find((r) => r.rawSha256 === sha(bytes))!;
    await waitFor(async () => (await queue().get(row.id))!.status === 'sent', 'status sent');
  });

  it('publishes message.sent only once a recipient was accepted: not while every one is deferred (4xx)', async () => {
    const sent: string[][] = [];
    // Only this message's events: an earlier test's row may still be finishing.
    const off = server.chitbox.core.events.subscribe('message.sent', (e) => {
      if (e.recipients.some((r) => r.startsWith('wait'))) sent.push(e.recipients);
    });
    try {
      sink.rcptReplies.set('wait1@ext.test', 451);
      sink.rcptReplies.set('wait2@ext.test', 451);
      await submitter().sendMail({ from: 'alice@example.test', to: ['wait1@ext.test', 'wait2@ext.test'], subject: 'all deferred', text: 'x' });
      const { bytes } = await sentCopy('all deferred');
      const row = (await queue().list({}, 1000)).find((r) => r.rawSha256 === sha(bytes))!;
      await waitFor(async () => (await queue().get(row.id))!.attempts >= 2, 'two deferred attempts');
      expect(sent).toEqual([]);
      sink.rcptReplies.clear();
      await waitFor(async () => (await queue().get(row.id))!.status === 'sent', 'status sent');
      expect(sent).toEqual([['wait1@ext.test', 'wait2@ext.test']]);
    } finally {
      off();
    }
  });

  it('still relays a queued message whose Sent copy was deleted for good meanwhile', async () => {
    const before = sink.received.length;
    let release = false;
    sink.behavior = () => (release ? 'accept' : 'tempfail');
    await submitter().sendMail({ from: 'alice@example.test', to: 'keep@ext.test', subject: 'deleted copy', text: 'x' });
    const { copy, bytes } = await sentCopy('deleted copy');
    const row = (await queue().list({}, 1000)).find((r) => r.rawSha256 === sha(bytes))!;
    await waitFor(async () => (await queue().get(row.id))!.status === 'retry', 'the first refusal');
    const api = server.api(alice.token);
    expect((await api.del(`/api/messages/${copy.id}`)).status).toBe(204); // to Trash
    expect((await api.del(`/api/messages/${copy.id}`)).status).toBe(204); // for good
    expect((await api.get(`/api/messages/${copy.id}`)).status).toBe(404);
    release = true;
    await sink.waitFor(() => sink.received.length > before, 'the relayed message');
    expect(sha(sink.received.at(-1)!.raw)).toBe(sha(bytes));
  });

  it('fails at once on a 5xx and puts a readable bounce in the sender Inbox, in the same thread', async () => {
    const startAt = sink.dataStarts;
    sink.behavior = () => 'permfail';
    await submitter().sendMail({ from: 'alice@example.test', to: 'strict@ext.test', subject: 'refused', text: 'no thanks' });
    let bounce: any;
    await waitFor(async () => {
      const inbox = await listFolder(server.api(alice.token), 'inbox');
      bounce = inbox.find((m) => m.subject === 'Undelivered Mail Returned to Sender: refused');
      return !!bounce;
    }, 'the bounce');
    expect(sink.dataStarts - startAt).toBe(1);
    const { copy, bytes } = await sentCopy('refused');
    const row = (await queue().list({}, 1000)).find((r) => r.rawSha256 === sha(bytes))!;
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    const full = (await server.api(alice.token).get(`/api/messages/${bounce.id}`)).body.message;
    expect(full.bodyText).toContain('<strict@ext.test>');
    expect(full.bodyText).toContain('554');
    expect(full.fromEmail.toLowerCase()).toBe('mailer-daemon@mx.chitbox.test');
    expect(full.threadId).toBe(copy.threadId);
  });

  it('bounces a recipient refused with 5xx at RCPT while delivering the others', async () => {
    const before = sink.received.length;
    sink.rcptReplies.set('gone@ext.test', 550);
    await submitter().sendMail({ from: 'alice@example.test', to: ['gone@ext.test', 'here@ext.test'], subject: 'half', text: 'x' });
    await sink.waitFor(() => sink.received.length > before, 'the delivery');
    expect(sink.received.at(-1)!.to).toEqual(['here@ext.test']);
    await waitFor(async () => {
      const inbox = await listFolder(server.api(alice.token), 'inbox');
      return inbox.some((m) => m.subject === 'Undelivered Mail Returned to Sender: half');
    }, 'the bounce for gone@ext.test');
  });

  it('normalises bare CR and LF to CRLF, so a smuggled end-of-data stays inside the one message', async () => {
    const before = sink.received.length;
    const c = await SmtpLineClient.connect(server.smtpPort);
    clients.push(c);
    expect(await authPlain(c, 'alice@example.test', PASSWORD)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<target@ext.test>')).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(
      'From: alice@example.test\r\nTo: target@ext.test\r\nSubject: smuggle\r\n\r\n' +
        'bare lf\nbare cr\rmixed\n\r' +
        'before\n.\nMAIL FROM:<alice@example.test>\nRCPT TO:<victim@ext.test>\nDATA\nSubject: smuggled\n\nevil\n.\n' +
        'also\r.\rafter\r\n.\r\n',
    );
    expect(await c.reply()).toMatch(/^250 /);
    await sink.waitFor(() => sink.received.length > before, 'the relayed message');
    await new Promise((r) => setTimeout(r, 300)); // a smuggled second message would arrive now
    expect(sink.received.length).toBe(before + 1);
    const relayed = sink.received.at(-1)!;
    expect(relayed.to).toEqual(['target@ext.test']);
    expect(allCrlf(relayed.raw)).toBe(true);
    const text = relayed.raw.toString('latin1');
    expect(text).toContain('bare lf\r\nbare cr\r\nmixed\r\n\r\n');
    expect(text).toContain('RCPT TO:<victim@ext.test>\r\n');
  });

  it('refuses unauthenticated external recipients with 550 5.7.1 even with a relay configured', async () => {
    const c = await SmtpLineClient.connect(server.smtpPort);
    clients.push(c);
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command('MAIL FROM:<alice@example.test>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<friend@ext.test>')).toMatch(/^550 5\.7\.1 /);
  });

  it('the queue never held a local recipient', async () => {
    const rows = await queue().list({}, 1000);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) for (const rcpt of r.recipients) expect(rcpt).not.toMatch(/@example\.test$/i);
  });
});

describe('giving up', () => {
  let lonely: TestServer;
  afterAll(async () => {
    await lonely?.stop();
  });

  it('fails with a bounce once QUEUE_GIVE_UP_MS has passed without a relay answering', async () => {
    // A port nobody listens on: every attempt is a temporary failure.
    const dead = await startRelaySink();
    const port = dead.port;
    await dead.close();
    lonely = await startTestServer({
      SMTP_RELAY_HOST: '127.0.0.1', SMTP_RELAY_PORT: String(port),
      // Give-up time is the queue's own clock: room for several quick retries even on a busy machine.
      QUEUE_RETRY_MIN_MS: '20', QUEUE_RETRY_MAX_MS: '50', QUEUE_GIVE_UP_MS: '3000', QUEUE_POLL_MS: '50',
    });
    const carol = await lonely.register('carol@example.test');
    const res = await lonely.api(carol.token).post('/api/messages', { to: ['far@ext.test'], subject: 'into the void', text: 'hello?' });
    expect(res.status).toBe(202);
    let bounce: any;
    await waitFor(async () => {
      const inbox = await listFolder(lonely.api(carol.token), 'inbox');
      bounce = inbox.find((m) => m.subject === 'Undelivered Mail Returned to Sender: into the void');
      return !!bounce;
    }, 'the give-up bounce');
    const [row] = await lonely.chitbox.store.outbound.list();
    expect(row!.status).toBe('failed');
    // How many attempts fit into the give-up time depends on the machine's
    // speed; that one was made and that it ended the row is what is tested.
    expect(row!.attempts).toBeGreaterThanOrEqual(1);
    const full = (await lonely.api(carol.token).get(`/api/messages/${bounce.id}`)).body.message;
    expect(full.bodyText).toMatch(/given up/);
  });
});
