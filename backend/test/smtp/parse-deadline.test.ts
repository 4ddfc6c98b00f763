// A message the parser never finishes must not stop mail intake. mailparser
// 3.9.31 never settles on an inline message/rfc822 part without a body (59
// bytes are enough); before parsing had a deadline, that parse held the parse
// and receive budgets forever and every later DATA, from anyone, waited.
// Now the parse runs on a worker thread: a legitimate message is acknowledged
// while the hostile parse is still stuck, /health keeps answering and reports
// the stall, and at the deadline the hostile message is stored with the
// header fields the parser-rejected mail gets, with a 250.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRfc822AfterPreamble, inlineRfc822Minimal } from '../fuzz/hostile-cases.js';
import { compose, storedBytes } from '../support/mail-helpers.js';
import { SmtpLineClient, sendMail } from '../support/smtp-line-client.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

async function greeted(port: number): Promise<SmtpLineClient> {
  const client = await SmtpLineClient.connect(port);
  expect(await client.reply()).toMatch(/^220 /);
  expect(await client.command('EHLO client.test')).toMatch(/^250/);
  return client;
}

/** Polls a condition over real requests until it holds: waiting for a state, not a duration. */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const legit = () => compose({ from: 'alice@remote.test', to: 'bob@example.test', subject: 'still flowing', text: 'hello', attachments: [{ filename: 'a.txt', content: 'attached' }] });

describe('a parse that never settles, while its deadline is far away', () => {
  let server: TestServer;
  let hostile: SmtpLineClient;
  let friend: SmtpLineClient;

  beforeAll(async () => {
    // The deadline is never reached in this block; HEALTH_STALL_MS is short so the stall shows.
    server = await startTestServer({ PARSE_TIMEOUT_MS: '600000', HEALTH_STALL_MS: '200', SHUTDOWN_TIMEOUT_MS: '200' });
    await server.register('bob@example.test');
    [hostile, friend] = await Promise.all([greeted(server.smtpPort), greeted(server.smtpPort)]);
  });

  afterAll(async () => {
    hostile.destroy();
    friend.destroy();
    await server.stop();
  });

  it('acknowledges a legitimate message and answers /health while the hostile parse is stuck', async () => {
    let hostileReply: string | null = null;
    void sendMail(hostile, 'mallory@attacker.test', 'bob@example.test', inlineRfc822AfterPreamble(), 600_000).then(
      (r) => (hostileReply = r),
      () => (hostileReply = 'error'),
    );
    // The hostile delivery is in progress, and stays so past the stall threshold.
    const stalled = await until(() => server.api().get('/health'), (r) => r.body.pipeline.in_flight >= 1 && r.status === 503);
    expect(stalled.body.problems).toContain('pipeline_stalled');

    expect(await sendMail(friend, 'alice@remote.test', 'bob@example.test', await legit())).toMatch(/^250 /);
    expect(await sendMail(friend, 'alice@remote.test', 'bob@example.test', await legit())).toMatch(/^250 /);
    const health = await server.api().get('/health');
    expect([200, 503]).toContain(health.status);
    expect(health.body.pipeline.in_flight).toBe(1);
    // Ordering, not timing: both were acknowledged while the hostile one still waits.
    expect(hostileReply).toBeNull();
  });
});

describe('a parse that never settles, with a short deadline', () => {
  let server: TestServer;
  let client: SmtpLineClient;
  let bob: ApiClient;

  beforeAll(async () => {
    // Generous for a fresh thread's small parse on a busy machine; the hostile ones wait it out.
    server = await startTestServer({ PARSE_TIMEOUT_MS: '1000' });
    bob = server.api((await server.register('bob@example.test')).token);
    client = await greeted(server.smtpPort);
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  async function inbox(): Promise<Array<{ id: number; subject: string; hasAttachments: boolean }>> {
    const folders = (await bob.get('/api/folders')).body.folders as Array<{ id: number; kind: string }>;
    const inboxId = folders.find((f) => f.kind === 'inbox')!.id;
    return (await bob.get(`/api/folders/${inboxId}/messages?limit=200`)).body.messages;
  }

  it.each([
    ['the 59-byte form', inlineRfc822Minimal],
    ['the 3 MB form', inlineRfc822AfterPreamble],
  ])('stores %s with its header fields and answers 250', async (_name, build) => {
    const raw = build();
    const reply = await sendMail(client, 'mallory@attacker.test', 'bob@example.test', raw);
    expect(reply).toMatch(/^250 /);
    const id = Number(/stored as (\d+)/.exec(reply)![1]);
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
    const message = (await bob.get(`/api/messages/${id}`)).body.message;
    expect(message.subject).toBe(raw.length > 100 ? 'stuck parse' : '');
  });

  it('parses the next message fully, on a fresh parser thread', async () => {
    const reply = await sendMail(client, 'alice@remote.test', 'bob@example.test', await legit());
    expect(reply).toMatch(/^250 /);
    const latest = (await inbox())[0]!;
    expect(latest.subject).toBe('still flowing');
    expect(latest.hasAttachments).toBe(true);
    expect((await server.api().get('/health')).status).toBe(200);
  });
});
