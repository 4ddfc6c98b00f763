// Connection slots cannot be held hostage: a per-IP cap on open sessions, a
// progress deadline NOOP cannot reset, a total DATA deadline; and parameters
// we never advertised are refused (555).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../ops/ops-helpers.js';
import { sendMail, SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let server: TestServer;
const open: SmtpLineClient[] = [];

async function connect(from: string): Promise<{ client: SmtpLineClient; greeting: string }> {
  const client = await SmtpLineClient.connect(server.smtpPort, '127.0.0.1', from);
  open.push(client);
  return { client, greeting: await client.reply(30_000) };
}

/** One server per block: a short deadline must not close the sessions another test holds. */
function serverWith(env: Record<string, string>) {
  beforeAll(async () => {
    server = await startTestServer(env);
    await server.register('alice@example.test');
  });
  afterAll(async () => {
    for (const c of open.splice(0)) c.destroy();
    await server.stop();
  });
}

describe('per-IP connection cap', () => {
  serverWith({ SMTP_MAX_CONNECTIONS_PER_IP: '3' });

  it('refuses a fourth open session from one address with 421, while another address still delivers; a freed place is usable again', async () => {
    const held = [await connect('127.0.0.4'), await connect('127.0.0.4'), await connect('127.0.0.4')];
    for (const h of held) expect(h.greeting).toMatch(/^220 /);
    const refused = await connect('127.0.0.4');
    expect(refused.greeting).toMatch(/^421 4\.7\.0 Too many open connections from your address/);

    const legit = await connect('127.0.0.5');
    await legit.client.command('EHLO legit.test');
    expect(await sendMail(legit.client, 'friend@remote.test', 'alice@example.test', Buffer.from('Subject: hi\r\n\r\nstill here\r\n'))).toMatch(/^250 /);

    held[0]!.client.destroy();
    const again = await waitFor(async () => {
      const attempt = await connect('127.0.0.4');
      return attempt.greeting.startsWith('220') ? attempt : (attempt.client.destroy(), false);
    }, 20_000, 'a place freed by a closed session');
    expect(again.greeting).toMatch(/^220 /);
    for (const h of [...held, again]) h.client.destroy();
  });
});

describe('idle deadline', () => {
  serverWith({ SMTP_IDLE_TIMEOUT_MS: '400' });

  it('closes an unauthenticated session that only sends NOOP with 421 4.4.2', async () => {
    const { client } = await connect('127.0.0.6');
    await client.command('EHLO idle.test');
    let reply = '';
    while (!client.closed && !reply.startsWith('421')) reply = await client.command('NOOP', 30_000);
    expect(reply).toMatch(/^421 4\.4\.2 Idle too long/);
  });

});

describe('DATA deadline', () => {
  serverWith({ SMTP_DATA_TIMEOUT_MS: '600' });

  it('closes a DATA that trickles past the total DATA deadline; nothing is stored', async () => {
    const before = (await server.chitbox.store.accounts.usage()).messagesStored;
    const { client } = await connect('127.0.0.7');
    await client.command('EHLO slow.test');
    await client.command('MAIL FROM:<slow@remote.test>');
    await client.command('RCPT TO:<alice@example.test>');
    expect(await client.command('DATA')).toMatch(/^354/);
    client.write('Subject: slow\r\n\r\n');
    // One byte at a time keeps the socket busy (its idle timeout never fires); only the DATA deadline ends it.
    const trickle = setInterval(() => client.closed || client.write('x'), 50);
    try {
      expect(await client.reply(60_000)).toMatch(/^421 4\.4\.2 DATA took too long/);
    } finally {
      clearInterval(trickle);
    }
    expect((await server.chitbox.store.accounts.usage()).messagesStored).toBe(before);
  });
});

describe('DATA deadline with BDAT', () => {
  serverWith({ SMTP_DATA_TIMEOUT_MS: '600' });

  // The deadline runs from the first chunk to LAST, as from 354 to the final dot.
  it.each([
    { name: 'many small chunks', start: '', drip: 'BDAT 1\r\nx' },
    { name: 'one chunk', start: 'BDAT 1000000 LAST\r\n', drip: 'x' },
  ])('closes a BDAT transaction that trickles $name past the total DATA deadline; nothing is stored', async ({ start, drip }) => {
    const before = (await server.chitbox.store.accounts.usage()).messagesStored;
    const { client } = await connect('127.0.0.9');
    await client.command('EHLO slow.test');
    await client.command('MAIL FROM:<slow@remote.test>');
    await client.command('RCPT TO:<alice@example.test>');
    client.write('BDAT 17\r\nSubject: slow\r\n\r\n');
    expect(await client.reply()).toMatch(/^250 2\.0\.0 17 octets/);
    client.write(start);
    const trickle = setInterval(() => client.closed || client.write(drip), 50);
    try {
      // The small chunks are answered 250 until the deadline ends the session.
      let reply = '';
      while (reply.startsWith('250') || reply === '') reply = await client.reply(60_000);
      expect(reply).toMatch(/^421 4\.4\.2 DATA took too long/);
    } finally {
      clearInterval(trickle);
    }
    expect((await server.chitbox.store.accounts.usage()).messagesStored).toBe(before);
  });
});

describe('ESMTP parameters', () => {
  serverWith({});
  it('answers 555 5.5.4 to a MAIL FROM or RCPT TO parameter we did not advertise, and takes the advertised ones', async () => {
    const { client } = await connect('127.0.0.8');
    await client.command('EHLO params.test');
    expect(await client.command('MAIL FROM:<a@remote.test> XFOO=1')).toMatch(/^555 5\.5\.4 /);
    expect(await client.command('MAIL FROM:<a@remote.test> SIZE=100 BODY=8BITMIME')).toMatch(/^250 /);
    expect(await client.command('RCPT TO:<alice@example.test> NOTIFY=NEVER')).toMatch(/^555 5\.5\.4 /);
    expect(await client.command('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
  });
});
