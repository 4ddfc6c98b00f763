// nodemailer delivers plain, UTF-8, HTML, multi-attachment and inline-image
// mail; the API returns decoded fields, sanitised HTML, exact attachment bytes
// and /raw equal to the bytes sent (after our Received: trace field).
import { randomBytes } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1X1, compose, sha256, storedBytes, storedIds, fetchMessage } from '../support/mail-helpers.js';
import { startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let mailer: Transporter;
let bob: ApiClient;

const ENVELOPE = { from: 'sender@remote.test', to: ['bob@example.test'] };

/** Sends exact bytes over the pooled connection; returns the stored id. */
async function deliver(raw: Buffer): Promise<number> {
  const info = await mailer.sendMail({ envelope: ENVELOPE, raw });
  expect(info.response).toMatch(/^250 /);
  const ids = storedIds(info.response ?? '');
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const message = (id: number) => fetchMessage(bob, id);

async function download(id: number) {
  const res = await bob.raw('GET', `/api/attachments/${id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  return res;
}

beforeAll(async () => {
  server = await startTestServer();
  const { token } = await server.register('bob@example.test');
  bob = server.api(token);
  mailer = server.mailer();
});

afterAll(async () => {
  await server.stop();
});

describe('delivery with nodemailer', () => {
  it('stores a plain message, including lines that start with a dot, byte for byte', async () => {
    const raw = await compose({
      from: 'Alice Sender <alice@remote.test>',
      to: 'bob@example.test',
      subject: 'Plain hello',
      text: 'Hello Bob,\r\n.a line that starts with a dot\r\n..and two\r\n.\r\nbye\r\n',
    });
    const id = await deliver(raw);
    const m = await message(id);
    expect(m).toMatchObject({
      subject: 'Plain hello', fromEmail: 'alice@remote.test', fromName: 'Alice Sender',
      to: [{ address: 'bob@example.test', name: '' }], hasAttachments: false, attachments: [],
    });
    expect(m.bodyText).toContain('.a line that starts with a dot\n..and two\n.\nbye');
    expect(m.sizeBytes).toBeGreaterThan(raw.length);
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
  });

  it('decodes a UTF-8 subject, display names and body', async () => {
    const raw = await compose({
      from: { name: 'Zoë Ünïcode', address: 'zoe@remote.test' },
      to: { name: 'Bøb Ørsted', address: 'bob@example.test' },
      cc: { name: '山田 太郎', address: 'taro@remote.test' },
      subject: 'Grüße aus Köln ✓ — 日本語のテスト',
      text: 'Schöne Grüße, 😀 and ∑ ≠ ∞\n',
    });
    expect(raw.every((b) => b < 0x80)).toBe(true); // everything encoded on the wire
    const id = await deliver(raw);
    const m = await message(id);
    expect(m.subject).toBe('Grüße aus Köln ✓ — 日本語のテスト');
    expect(m.fromName).toBe('Zoë Ünïcode');
    expect(m.to).toEqual([{ address: 'bob@example.test', name: 'Bøb Ørsted' }]);
    expect(m.cc).toEqual([{ address: 'taro@remote.test', name: '山田 太郎' }]);
    expect(m.bodyText.trim()).toBe('Schöne Grüße, 😀 and ∑ ≠ ∞');
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
  });

  it('serves HTML sanitised: no script, no event handlers, no javascript: URLs', async () => {
    const html =
      '<html><body><h1 onclick="steal()">Offer</h1>' +
      '<script>alert(document.cookie)</script>' +
      '<p onmouseover="x()">Read <a href="javascript:alert(1)">this</a> and <a href="https://chitbox.test/ok">that</a></p>' +
      '<img src="https://img.test/a.png" onerror="alert(2)">' +
      '<a href="JaVaScRiPt:alert(3)">caps</a><iframe src="https://evil.test"></iframe>' +
      '<svg onload="alert(4)"><circle r="1"/></svg></body></html>';
    const raw = await compose({
      from: 'Promo <promo@remote.test>', to: 'bob@example.test', subject: 'HTML offer',
      text: 'Offer: read this and that', html,
    });
    const id = await deliver(raw);
    const m = await message(id);
    expect(m.bodyText).toContain('Offer: read this and that');
    const body: string = m.bodyHtml;
    expect(body).toContain('Offer');
    expect(body).toContain('href="https://chitbox.test/ok"');
    expect(body).toContain('src="https://img.test/a.png"');
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/alert\(document\.cookie\)/);
    expect(body).not.toMatch(/\son[a-z]+\s*=/i);
    expect(body).not.toMatch(/javascript:/i);
    expect(body).not.toMatch(/<iframe|<svg/i);
    // The original stays intact in /raw.
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
  });

  it('stores every attachment; downloads hash to the originals', async () => {
    const files = [
      { filename: 'données.bin', contentType: 'application/octet-stream', content: randomBytes(200_000),
        disposition: "filename*=UTF-8''donn%C3%A9es.bin" },
      { filename: 'report (v2).pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1'),
        disposition: "filename*=UTF-8''report%20%28v2%29.pdf" },
      { filename: '報告.txt', contentType: 'text/plain', content: Buffer.from('line one\r\nline two\r\n'),
        disposition: "filename*=UTF-8''%E5%A0%B1%E5%91%8A.txt" },
    ];
    const raw = await compose({
      from: 'Files <files@remote.test>', to: 'bob@example.test', subject: 'Three files', text: 'see attached',
      attachments: files.map(({ filename, contentType, content }) => ({ filename, contentType, content })),
    });
    const id = await deliver(raw);
    const m = await message(id);
    expect(m.hasAttachments).toBe(true);
    expect(m.attachments.map((a: { filename: string }) => a.filename)).toEqual(files.map((f) => f.filename));
    for (const [i, f] of files.entries()) {
      const a = m.attachments[i];
      expect(a).toMatchObject({ contentType: f.contentType, size: f.content.length, sha256: sha256(f.content) });
      const res = await download(a.id);
      expect(sha256(res.bytes)).toBe(sha256(f.content));
      expect(res.headers.get('content-type')).toContain(f.contentType);
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(disposition.startsWith('attachment;')).toBe(true);
      expect(disposition).toContain(f.disposition);
    }
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
  });

  it('points inline cid: images at /api/attachments/<id>', async () => {
    const raw = await compose({
      from: 'Logo <logo@remote.test>', to: 'bob@example.test', subject: 'Inline image',
      text: 'our logo',
      html: '<p>Our logo:</p><img src="cid:logo.1@chitbox.test" alt="logo"><img src="CID:other@chitbox.test">',
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', content: PNG_1X1, cid: 'logo.1@chitbox.test' },
        { filename: 'other.png', contentType: 'image/png', content: randomBytes(64), cid: 'other@chitbox.test' },
      ],
    });
    const id = await deliver(raw);
    const m = await message(id);
    const logo = m.attachments.find((a: { contentId: string }) => a.contentId === 'logo.1@chitbox.test');
    const other = m.attachments.find((a: { contentId: string }) => a.contentId === 'other@chitbox.test');
    expect(logo).toBeDefined();
    expect(other).toBeDefined();
    expect(m.bodyHtml).toContain(`src="/api/attachments/${logo.id}"`);
    expect(m.bodyHtml).toContain(`src="/api/attachments/${other.id}"`);
    expect(m.bodyHtml).not.toMatch(/cid:/i);
    const res = await download(logo.id);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(sha256(res.bytes)).toBe(sha256(PNG_1X1));
    expect((await storedBytes(bob, id)).equals(raw)).toBe(true);
  });

  it('delivers a message composed by nodemailer itself (sendMail without raw)', async () => {
    const info = await mailer.sendMail({
      from: '"Renée" <renee@remote.test>', to: 'bob@example.test', subject: 'Ça va?', text: 'Très bien.',
    });
    const [id] = storedIds(info.response ?? '');
    const m = await message(id!);
    expect(m).toMatchObject({ subject: 'Ça va?', fromName: 'Renée', fromEmail: 'renee@remote.test' });
    expect(m.bodyText.trim()).toBe('Très bien.');
    expect(m.messageId).toBe(info.messageId.replace(/^<|>$/g, ''));
  });
});
