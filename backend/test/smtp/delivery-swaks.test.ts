// swaks (a real, independent SMTP client) delivers plain, UTF-8, HTML,
// multi-attachment and inline-image mail. swaks builds each MIME message
// (--dump-mail shows the exact bytes) and then sends that file with
// --data @file, so /raw can be compared with what went over the wire.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1X1, compose, encodedWord, sha256, storedBytes, storedIds, swaks, fetchMessage } from '../support/mail-helpers.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;
let dir: string;

const ENVELOPE = ['--to', 'bob@example.test', '--from', 'alice@remote.test'];

/** The message swaks would build from `args`, in wire form (CRLF). */
async function swaksBuild(args: string[]): Promise<Buffer> {
  const res = await swaks(server.smtpPort, [...ENVELOPE, ...args, '--dump-mail']);
  expect(res.code, res.stderr).toBe(0);
  const text = res.stdout.replace(/\r\n|\r|\n/g, '\r\n');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'utf8');
}

/** Sends exact bytes with `swaks --data @file`; returns the stored id. */
async function swaksSend(raw: Buffer): Promise<number> {
  const file = path.join(dir, `${sha256(raw)}.eml`);
  // swaks always ends DATA with CRLF "." CRLF after the file's last line, so
  // the file leaves out the final CRLF that the wire form has.
  expect(raw.subarray(-2).toString()).toBe('\r\n');
  await fs.writeFile(file, raw.subarray(0, -2));
  const res = await swaks(server.smtpPort, [...ENVELOPE, '--data', `@${file}`]);
  expect(res.code, res.stdout + res.stderr).toBe(0);
  const ids = storedIds(res.stdout);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const message = (id: number) => fetchMessage(bob, id);

beforeAll(async () => {
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-swaks-'));
});

afterAll(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('delivery with swaks', () => {
  it('delivers a plain message built and sent by swaks in one go', async () => {
    const body = path.join(dir, 'body.txt');
    await fs.writeFile(body, 'Hello from swaks\n.a dotted line\nbye\n');
    const res = await swaks(server.smtpPort, [...ENVELOPE, '--header', 'Subject: Plain from swaks', '--body', `@${body}`]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/<- {2}250 /);
    const m = await message(storedIds(res.stdout)[0]!);
    expect(m).toMatchObject({ subject: 'Plain from swaks', fromEmail: 'alice@remote.test', hasAttachments: false });
    expect(m.bodyText).toContain('Hello from swaks\n.a dotted line\nbye');
  });

  it('keeps a plain message byte for byte', async () => {
    const raw = await swaksBuild(['--header', 'Subject: Plain bytes', '--body', 'just text']);
    const id = await swaksSend(raw);
    expect((await message(id)).bodyText.trim()).toBe('just text');
    expect((await storedBytes(bob, id)).toString("latin1")).toBe(raw.toString("latin1"));
  });

  it('decodes an encoded UTF-8 subject, display names and body', async () => {
    const raw = await swaksBuild([
      '--header', `Subject: ${encodedWord('Prüfung: naïve café — 測試 ✓')}`,
      '--header', `From: ${encodedWord('Ålice Åström')} <alice@remote.test>`,
      '--header', `To: ${encodedWord('Bøb Ørsted')} <bob@example.test>`,
      '--attach-type', 'text/plain; charset=UTF-8', '--attach-body', 'Grüße aus Zürich 😀',
    ]);
    const id = await swaksSend(raw);
    const m = await message(id);
    expect(m.subject).toBe('Prüfung: naïve café — 測試 ✓');
    expect(m.fromName).toBe('Ålice Åström');
    expect(m.fromEmail).toBe('alice@remote.test');
    expect(m.to).toEqual([{ address: 'bob@example.test', name: 'Bøb Ørsted' }]);
    expect(m.bodyText.trim()).toBe('Grüße aus Zürich 😀');
    expect((await storedBytes(bob, id)).toString("latin1")).toBe(raw.toString("latin1"));
  });

  it('serves an HTML alternative sanitised', async () => {
    const raw = await swaksBuild([
      '--header', 'Subject: HTML from swaks',
      '--attach-type', 'text/plain', '--attach-body', 'plain version',
      '--attach-type', 'text/html',
      '--attach-body', '<p onclick="evil()">Hi <b>there</b></p><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)>',
    ]);
    const id = await swaksSend(raw);
    const m = await message(id);
    expect(m.bodyText.trim()).toBe('plain version');
    expect(m.bodyHtml).toContain('<b>there</b>');
    expect(m.bodyHtml).not.toMatch(/<script/i);
    expect(m.bodyHtml).not.toMatch(/\son[a-z]+\s*=/i);
    expect(m.bodyHtml).not.toMatch(/javascript:/i);
    expect((await storedBytes(bob, id)).toString("latin1")).toBe(raw.toString("latin1"));
  });

  it('stores several attachments whose downloads hash to the files', async () => {
    const files = [
      { name: 'random.bin', type: 'application/octet-stream', content: randomBytes(150_000) },
      { name: 'table.csv', type: 'text/csv', content: Buffer.from('a,b\r\n1,2\r\n') },
      { name: 'image.png', type: 'image/png', content: PNG_1X1 },
    ];
    const args = ['--header', 'Subject: Files from swaks', '--body', 'three files'];
    for (const f of files) {
      const file = path.join(dir, f.name);
      await fs.writeFile(file, f.content);
      args.push('--attach-type', f.type, '--attach', `@${file}`);
    }
    const raw = await swaksBuild(args);
    const id = await swaksSend(raw);
    const m = await message(id);
    expect(m.attachments.map((a: { filename: string }) => a.filename)).toEqual(files.map((f) => f.name));
    for (const [i, f] of files.entries()) {
      const res = await bob.raw('GET', `/api/attachments/${m.attachments[i].id}`);
      expect(res.status).toBe(200);
      expect(sha256(res.bytes)).toBe(sha256(f.content));
      expect(res.headers.get('content-type')).toContain(f.type);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; .*filename\\*=UTF-8''${f.name}$`));
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await storedBytes(bob, id)).toString("latin1")).toBe(raw.toString("latin1"));
  });

  it('resolves an inline cid: image (multipart/related sent with swaks --data)', async () => {
    // swaks cannot set a Content-ID on a part, so the related message is composed here.
    const raw = await compose({
      from: 'Alice <alice@remote.test>', to: 'bob@example.test', subject: 'Inline from swaks',
      html: '<p>see</p><img src="cid:pic@swaks.test">',
      attachments: [{ filename: 'pic.png', contentType: 'image/png', content: PNG_1X1, cid: 'pic@swaks.test' }],
    });
    const id = await swaksSend(raw);
    const m = await message(id);
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0].contentId).toBe('pic@swaks.test');
    expect(m.bodyHtml).toContain(`src="/api/attachments/${m.attachments[0].id}"`);
    expect(m.bodyHtml).not.toContain('cid:');
    // HTML-only mail gets a text body derived from the HTML.
    expect(m.bodyText).toContain('see');
    const res = await bob.raw('GET', `/api/attachments/${m.attachments[0].id}`);
    expect(sha256(res.bytes)).toBe(sha256(PNG_1X1));
    expect((await storedBytes(bob, id)).toString("latin1")).toBe(raw.toString("latin1"));
  });
});
