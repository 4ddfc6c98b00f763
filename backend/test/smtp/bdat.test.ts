// CHUNKING / BDAT (RFC 3030) over a raw socket: the RFC's two examples, the
// octets of a chunk taken as they are, DATA and BDAT not mixed, the size limit
// across chunks, a transaction cut off storing nothing, and a graceful stop. No client in
// node_modules speaks BDAT (nodemailer does not), so the client is raw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBytes, storedIds } from '../support/mail-helpers.js';
import { SmtpLineClient, sendMail } from '../support/smtp-line-client.js';
import { sleep, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

const LIMIT = 4096;

let server: TestServer;
let bob: ApiClient;
let client: SmtpLineClient;

const bytes = (s: string) => Buffer.from(s, 'latin1');
const bdat = (chunk: Buffer, last = false) => Buffer.concat([bytes(`BDAT ${chunk.length}${last ? ' LAST' : ''}\r\n`), chunk]);
const storedCount = async () => (await server.chitbox.store.accounts.usage()).messagesStored;

async function greeted(port = server.smtpPort): Promise<SmtpLineClient> {
  const c = await SmtpLineClient.connect(port);
  expect(await c.reply()).toMatch(/^220 /);
  expect(await c.command('EHLO client.test')).toMatch(/^250/);
  return c;
}

async function envelope(c: SmtpLineClient = client): Promise<void> {
  expect(await c.command('MAIL FROM:<alice@remote.test>')).toMatch(/^250 /);
  expect(await c.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
}

/** Reads `n` replies (pipelined commands). */
async function replies(n: number, c: SmtpLineClient = client): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await c.reply());
  return out;
}

/** The stored message named by a "250 ... stored as <id>" reply, without our Received line. */
async function stored(reply: string): Promise<Buffer> {
  const [id] = storedIds(reply);
  return storedBytes(bob, id!);
}

beforeAll(async () => {
  server = await startTestServer({ SMTP_MAX_MESSAGE_BYTES: String(LIMIT) });
  bob = server.api((await server.register('bob@example.test')).token);
  client = await greeted();
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('CHUNKING', () => {
  it('is advertised on EHLO; BINARYMIME is not', async () => {
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo).toMatch(/^250[- ]CHUNKING$/m);
    expect(ehlo).not.toContain('BINARYMIME');
    expect(await client.command('MAIL FROM:<alice@remote.test> BODY=BINARYMIME')).toMatch(/^5\d\d /);
  });

  it('RFC 3030 4.1: a whole message in one BDAT LAST, stored byte for byte behind our Received line', async () => {
    const message = bytes('To: Susan@random.com\r\nFrom: Sam@random.com\r\nSubject: This is a bodyless test message\r\n');
    expect(message.length).toBe(86);
    await envelope();
    client.write(bdat(message, true));
    const reply = await client.reply();
    expect(reply).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
    const [id] = storedIds(reply);
    const raw = (await bob.raw('GET', `/api/messages/${id}/raw`)).bytes.toString('latin1');
    expect(raw).toMatch(/^Received: from client\.test .*\r\n\tby mx\.chitbox\.test \(ChitBox\) with ESMTP id /);
    expect(await stored(reply)).toEqual(message);
    // RFC 3030 2: a BDAT after LAST is 503 (the transaction is over).
    expect(await client.command('BDAT 0 LAST')).toBe('503 5.5.1 Error: need MAIL command');
  });

  it('RFC 3030 4.2: MAIL, RCPTs and chunks pipelined in one write, one recipient refused, BDAT 0 LAST; octets taken raw', async () => {
    // A line that is only a dot, a dot-stuffed-looking line and a command line are message text inside a
    // chunk; the CRLF between the chunks is split across them.
    const first = bytes('From: alice@remote.test\r\nSubject: chunked\r\n\r\nline one\r\n.\r\n..two dots stay two\r\nQUIT\r\n\r');
    const second = bytes('\n.\r\nlast line\r\n');
    client.write(Buffer.concat([
      bytes('MAIL FROM:<alice@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\n'),
      bdat(first), bdat(second), bytes('BDAT 0 LAST\r\n'),
    ]));
    const [mail, rcpt, refused, chunk1, chunk2, last] = await replies(6);
    expect([mail, rcpt]).toEqual(['250 2.1.0 Accepted', '250 2.1.5 Accepted']);
    expect(refused).toMatch(/^550 5\.1\.1 /);
    expect(chunk1).toBe(`250 2.0.0 ${first.length} octets received`);
    expect(chunk2).toBe(`250 2.0.0 ${second.length} octets received`);
    expect(last).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
    expect(await stored(last!)).toEqual(Buffer.concat([first, second]));
    expect(await client.command('NOOP')).toMatch(/^250 /);
  });

  it('takes a chunk whose octets arrive in several writes, and many small chunks in one write', async () => {
    const body = bytes(`Subject: slow chunk\r\n\r\n${'0123456789'.repeat(30)}\r\n`);
    await envelope();
    client.write(Buffer.concat([bytes(`BDAT ${body.length} LAST\r\n`), body.subarray(0, 7)]));
    await sleep(30);
    client.write(body.subarray(7, 200));
    await sleep(30);
    client.write(body.subarray(200));
    const reply = await client.reply();
    expect(await stored(reply)).toEqual(body);

    // 300 chunks of 1 to 9 octets in one write (the parser must not nest a call per chunk).
    const pieces = Array.from({ length: 300 }, (_, i) => bytes(`${i % 10}`.repeat(1 + (i % 9))));
    const message = Buffer.concat([bytes('Subject: confetti\r\n\r\n'), ...pieces, bytes('\r\n')]);
    await envelope();
    client.write(Buffer.concat([bdat(bytes('Subject: confetti\r\n\r\n')), ...pieces.map((p) => bdat(p)), bdat(bytes('\r\n'), true)]));
    const answers = await replies(302);
    expect(answers.slice(0, 301)).toEqual([21, ...pieces.map((p) => p.length)].map((n) => `250 2.0.0 ${n} octets received`));
    expect(await stored(answers[301]!)).toEqual(message);
  });

  it('BDAT 0 LAST as the only chunk is an empty message, handled as an empty DATA is', async () => {
    await envelope();
    const viaBdat = await client.command('BDAT 0 LAST');
    expect(viaBdat).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
    await envelope();
    expect(await client.command('DATA')).toMatch(/^354 /);
    const viaData = await client.command('.');
    expect(viaData).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
    expect(await stored(viaBdat)).toEqual(await stored(viaData));
    expect(await stored(viaBdat)).toEqual(Buffer.alloc(0));
  });
});

describe('BDAT and DATA are not mixed (RFC 3030 2)', () => {
  it('answers DATA after BDAT 503 5.5.1 and no more RCPT, and the transaction still ends with LAST', async () => {
    const first = bytes('Subject: mixed\r\n\r\n');
    await envelope();
    client.write(bdat(first));
    expect(await client.reply()).toBe(`250 2.0.0 ${first.length} octets received`);
    expect(await client.command('DATA')).toMatch(/^503 5\.5\.1 /);
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^503 5\.5\.1 /);
    client.write(bdat(bytes('body\r\n'), true));
    const reply = await client.reply();
    expect(await stored(reply)).toEqual(bytes('Subject: mixed\r\n\r\nbody\r\n'));
  });

  it('answers BDAT after a DATA transaction 503 5.5.1 (a new MAIL is needed), its octets skipped; DATA and BDAT share a session', async () => {
    expect(await sendMail(client, 'alice@remote.test', 'bob@example.test', bytes('Subject: by DATA\r\n\r\nhi\r\n'))).toMatch(/^250 /);
    client.write(bdat(bytes('QUIT\r\n'), true));
    expect(await client.reply()).toBe('503 5.5.1 Error: need MAIL command');
    expect(await client.command('NOOP')).toMatch(/^250 /);
  });

  it('answers BDAT before MAIL or before RCPT 503 5.5.1, and skips its octets (commands inside them are not run)', async () => {
    const before = await storedCount();
    client.write(bdat(bytes('RSET\r\nQUIT\r\n')));
    expect(await client.reply()).toBe('503 5.5.1 Error: need MAIL command');
    expect(await client.command('MAIL FROM:<alice@remote.test>')).toMatch(/^250 /);
    client.write(bdat(bytes('QUIT\r\n'), true));
    expect(await client.reply()).toBe('503 5.5.1 Error: need RCPT command');
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    client.write(bdat(bytes('Subject: after all\r\n\r\n'), true));
    expect(await client.reply()).toMatch(/^250 2\.6\.0 /);
    expect(await storedCount()).toBe(before + 1);
  });

  it('answers a malformed BDAT 501 5.5.4 and keeps the session', async () => {
    await envelope();
    for (const line of ['BDAT', 'BDAT x LAST', 'BDAT -1', 'BDAT 1.5', 'BDAT 10 LATER', 'BDAT 10 LAST now', 'BDAT 1234567890123456']) {
      expect(await client.command(line), line).toMatch(/^501 5\.5\.4 /);
    }
    expect(await client.command('bdat 0 last')).toMatch(/^250 2\.6\.0 /);
  });
});

describe('RSET and cut-off transactions', () => {
  it('RSET between chunks drops what was sent; the next transaction is stored alone', async () => {
    const before = await storedCount();
    await envelope();
    client.write(bdat(bytes('Subject: dropped\r\n\r\n')));
    expect(await client.reply()).toMatch(/^250 2\.0\.0 /);
    expect(await client.command('RSET')).toMatch(/^250 /);
    client.write(bdat(bytes('late\r\n'), true));
    expect(await client.reply()).toBe('503 5.5.1 Error: need MAIL command');
    await envelope();
    client.write(bdat(bytes('Subject: kept\r\n\r\n'), true));
    expect(await stored(await client.reply())).toEqual(bytes('Subject: kept\r\n\r\n'));
    expect(await storedCount()).toBe(before + 1);
  });

  it('stores nothing when the connection drops inside a chunk or between chunks', async () => {
    const before = await storedCount();
    for (const cut of ['inside', 'between']) {
      const c = await greeted();
      await envelope(c);
      c.write(bdat(bytes('Subject: cut\r\n\r\nfirst\r\n')));
      expect(await c.reply()).toMatch(/^250 2\.0\.0 /);
      if (cut === 'inside') c.write(bytes('BDAT 100 LAST\r\nonly part of it'));
      await sleep(50);
      c.destroy();
    }
    await sleep(200);
    expect(await storedCount()).toBe(before);
    const reply = await sendMail(client, 'alice@remote.test', 'bob@example.test', bytes('Subject: still here\r\n\r\n'));
    expect(reply).toMatch(/^250 /);
  });
});

describe('size limit across chunks', () => {
  it('answers 552 5.3.4 to the chunk that goes over the limit and to later ones, reading their octets; the session goes on', async () => {
    const before = await storedCount();
    const part = Buffer.alloc(3000, 'a');
    await envelope();
    client.write(Buffer.concat([bdat(part), bdat(part), bdat(bytes('QUIT\r\n'), true)]));
    const [fits, over, last] = await replies(3);
    expect(fits).toBe('250 2.0.0 3000 octets received');
    expect(over).toBe(`552 5.3.4 Error: message exceeds fixed maximum message size ${LIMIT}`);
    expect(last).toBe(over);

    // One chunk over the limit, announced as such: refused once its octets are in.
    await envelope();
    client.write(bdat(Buffer.alloc(LIMIT + 1, 'b'), true));
    expect(await client.reply()).toMatch(/^552 5\.3\.4 /);

    // A failed transaction ends with RSET too.
    await envelope();
    client.write(bdat(Buffer.alloc(LIMIT + 1, 'c')));
    expect(await client.reply()).toMatch(/^552 5\.3\.4 /);
    expect(await client.command('DATA')).toMatch(/^503 5\.5\.1 /);
    expect(await client.command('RSET')).toMatch(/^250 /);

    // Exactly at the limit is fine.
    const exact = Buffer.concat([bytes('Subject: full\r\n\r\n'), Buffer.alloc(LIMIT - 19, 'd'), bytes('\r\n')]);
    expect(exact.length).toBe(LIMIT);
    await envelope();
    client.write(Buffer.concat([bdat(exact.subarray(0, 1000)), bdat(exact.subarray(1000), true)]));
    const [, done] = await replies(2);
    expect(await stored(done!)).toEqual(exact);
    expect(await storedCount()).toBe(before + 1);
  });
});

describe('a graceful stop', () => {
  it('lets a LAST chunk that is arriving finish with 250, and answers a session between chunks 421', async () => {
    const own = await startTestServer();
    await own.register('bob@example.test');
    const [between, inside] = await Promise.all([greeted(own.smtpPort), greeted(own.smtpPort)]);
    try {
      await envelope(between);
      await envelope(inside);
      between.write(bdat(bytes('Subject: half\r\n\r\n')));
      expect(await between.reply()).toMatch(/^250 2\.0\.0 /);
      const body = bytes('Subject: finishing\r\n\r\nstill arriving\r\n');
      inside.write(Buffer.concat([bytes(`BDAT ${body.length} LAST\r\n`), body.subarray(0, 10)]));
      await sleep(50);
      const stopping = own.stop();
      expect(await between.reply()).toMatch(/^421 4\.3\.2 /);
      inside.write(body.subarray(10));
      expect(await inside.reply()).toMatch(/^250 2\.6\.0 Ok: stored as \d+$/);
      await stopping;
    } finally {
      between.destroy();
      inside.destroy();
      await own.stop();
    }
  });
});
