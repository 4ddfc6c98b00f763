// IMAP IDLE across instances: two ChitBox servers in this process on one
// PostgreSQL database and one Redis. A mail client IDLEs on B; mail taken in
// over SMTP by A is `* n EXISTS` on B, a flag set through A's API a FETCH, a
// delete through A's API (a move to Trash) an EXPUNGE. Another user's IDLE
// session on B hears nothing of them. Every wait is for a line, not a time.
// Skips, saying why, only when PostgreSQL or Redis does not answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../support/pg-test-db.js';
import { dropKeys, REDIS_URL, redisUnavailable, testPrefix } from '../support/redis-fixture.js';
import { PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { deliver, ImapLineClient } from '../imap/imap-harness.js';

const why = (await postgresUnavailable()) ?? (await redisUnavailable());
if (why) console.warn(`skipping the IMAP IDLE across instances test: ${why}`);

// Liveness bounds only: two servers and PostgreSQL on a busy machine are slow.
const BUSY_MACHINE_MS = 180_000;
const LINE_MS = 60_000;

/** The first line from `from` on that matches; fails after LINE_MS with what the session did get. */
async function line(client: ImapLineClient, match: (l: string) => boolean, from: number, what: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${LINE_MS} ms; got:\n${client.lines.slice(from).join('\n')}`)), LINE_MS);
  });
  try {
    return await Promise.race([client.waitFor(match, from), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(why !== null)('IMAP IDLE on B follows changes made through A', () => {
  const keyPrefix = testPrefix();
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let onA: ApiClient;
  const clients: ImapLineClient[] = [];

  const env = (instance: string) => ({
    DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, INSTANCE_ID: instance,
    JWT_SECRET: 'a-secret-both-instances-share-0123456789',
  });
  const idleOnB = async (email: string) => {
    const c = await ImapLineClient.connect(b.chitbox.imapPort!);
    clients.push(c);
    expect((await c.command(`LOGIN ${email} "${PASSWORD}"`)).at(-1)).toMatch(/^t\d+ OK/);
    expect((await c.command('SELECT INBOX')).at(-1)).toMatch(/^t\d+ OK/);
    return { client: c, from: await c.idle() };
  };
  const inboxOnA = async () => {
    const inbox = (await onA.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    return (await onA.get(`/api/folders/${inbox.id}/messages`)).body.messages as Array<{ id: number; subject: string }>;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // One after the other: the first applies the migrations.
    a = await startTestServer(env('imap-a'));
    b = await startTestServer(env('imap-b'));
    onA = a.api((await a.register('iris@example.test')).token);
    await a.register('otto@example.test');
    await deliver(a.smtpPort, 'iris@example.test', 'already here');
  }, BUSY_MACHINE_MS);

  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.stop();
    await a?.stop();
    await db?.drop();
    await dropKeys(keyPrefix);
  });

  it('sends EXISTS, FETCH and EXPUNGE on B for delivery, a flag and a delete made through A, and nothing to another user', async () => {
    const iris = await idleOnB('iris@example.test');
    const otto = await idleOnB('otto@example.test');

    await deliver(a.smtpPort, 'iris@example.test', 'delivered to A while idling on B');
    expect(await line(iris.client, (l) => / EXISTS$/.test(l), iris.from, 'EXISTS')).toBe('* 2 EXISTS');

    const newest = (await inboxOnA()).find((m) => m.subject === 'delivered to A while idling on B')!;
    expect((await onA.patch(`/api/messages/${newest.id}`, { isRead: true, isStarred: true })).status).toBe(200);
    expect(await line(iris.client, (l) => / FETCH /.test(l), iris.from, 'FETCH')).toBe('* 2 FETCH (FLAGS (\\Seen \\Flagged))');

    const oldest = (await inboxOnA()).find((m) => m.subject === 'already here')!;
    expect((await onA.del(`/api/messages/${oldest.id}`)).status).toBeLessThan(300);
    expect(await line(iris.client, (l) => / EXPUNGE$/.test(l), iris.from, 'EXPUNGE')).toBe('* 1 EXPUNGE');
    // imap-core follows expunges with the count left.
    await line(iris.client, (l) => l === '* 1 EXISTS', iris.from, 'EXISTS after the EXPUNGE');
    expect(iris.client.lines.slice(iris.from)).toEqual(['* 2 EXISTS', '* 2 FETCH (FLAGS (\\Seen \\Flagged))', '* 1 EXPUNGE', '* 1 EXISTS']);

    // Otto's mailbox did not change: his session on B got nothing. Mail for him now (after iris's
    // wakes, in Redis's order) is the first and only line his session gets.
    await deliver(a.smtpPort, 'otto@example.test', 'for otto');
    expect(await line(otto.client, (l) => l.startsWith('*'), otto.from, 'a line for otto')).toBe('* 1 EXISTS');
    expect(otto.client.lines.slice(otto.from)).toEqual(['* 1 EXISTS']);

    await iris.client.done();
    await otto.client.done();
  }, BUSY_MACHINE_MS);
});
