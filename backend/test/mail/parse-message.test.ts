// parseMessage is best-effort: ugly mail never throws and still yields its
// subject and sender; well-formed mail gives exact fields.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bareAddress, parseHeaderBlock } from '../../src/mail/header-fallback.js';
import { parseMessage, stripBrackets } from '../../src/mail/parse-message.js';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');

const HEADERS = 'From: "Eve Example" <eve@remote.test>\nTo: bob@example.test\nSubject: Still readable\nDate: Tue, 3 Nov 2026 10:00:00 +0000\nMessage-ID: <m1@remote.test>\n';

describe('parseMessage on broken mail', () => {
  it.each([
    ['a multipart without boundary', 'MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhello\n--x--\n'],
    ['a boundary that never appears', 'Content-Type: multipart/mixed; boundary="nope"\n\n--other\n\nhello\n'],
    ['no closing delimiter', 'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n'],
    ['broken base64', 'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n@@@!!!not*base64***\n=====\nSGVsbG8=garbage\n'],
    ['a broken base64 attachment', 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nbody\n--b\nContent-Type: image/png\nContent-Disposition: attachment; filename="a.png"\nContent-Transfer-Encoding: base64\n\n%%%%\n--b--\n'],
    ['an unknown charset', 'Content-Type: text/plain; charset="x-no-such-charset-42"\n\nbody \xe9\xe8\n'],
    ['an unknown transfer encoding', 'Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode-ish\n\nbody\n'],
    ['a nested message/rfc822 cut short', 'Content-Type: message/rfc822\n\nFrom: inner@remote.test\nSubject: inner\nContent-Type: multipart/alternative; boundary="z"\n\n--z\n'],
    ['raw 8-bit header bytes', 'X-Note: caf\xe9 \xff\xfe\n\nbody\n'],
  ])('keeps subject and sender with %s', async (_what, rest) => {
    const parsed = await parseMessage(crlf(HEADERS + rest));
    expect(parsed.subject).toBe('Still readable');
    expect(parsed.from).toEqual({ address: 'eve@remote.test', name: 'Eve Example' });
    expect(parsed.messageId).toBe('m1@remote.test');
    expect(parsed.date?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(Array.isArray(parsed.attachments)).toBe(true);
  });

  it('decodes an encoded-word in an unknown charset without throwing', async () => {
    const parsed = await parseMessage(crlf('From: a@remote.test\nSubject: =?x-unknown?B?aGVsbG8=?= world\n\nbody\n'));
    expect(parsed.subject).toContain('world');
    expect(parsed.from.address).toBe('a@remote.test');
  });

  it.each([
    ['empty input', ''],
    ['only a header, no body', 'Subject: lonely'],
    ['no header at all', '\r\n\r\njust a body'],
    ['binary garbage', '\x00\x01\x02\xff\xfe\r\n\r\n\x00'],
    ['a header line without a colon', 'this is not a header\r\nSubject: s\r\n\r\nb'],
  ])('does not throw on %s', async (_what, raw) => {
    const parsed = await parseMessage(Buffer.from(raw, 'latin1'));
    expect(typeof parsed.subject).toBe('string');
    expect(typeof parsed.text).toBe('string');
    expect(parsed.from).toEqual({ address: expect.any(String), name: expect.any(String) });
  });

  it('treats an invalid Date as missing', async () => {
    const parsed = await parseMessage(crlf('From: a@remote.test\nDate: the day after tomorrow\nSubject: s\n\nb\n'));
    expect(parsed.date).toBeNull(); // mailparser alone would say "now"
    const noDate = await parseMessage(crlf('From: a@remote.test\nSubject: s\n\nb\n'));
    expect(noDate.date).toBeNull();
    const folded = await parseMessage(crlf('From: a@remote.test\nDate: Tue, 3 Nov 2026\n 10:00:00 +0000 (UTC)\nSubject: s\n\nb\n'));
    expect(folded.date?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
  });
});

describe('parseMessage on well-formed mail', () => {
  it('returns ids without angle brackets and the References list in order', async () => {
    const parsed = await parseMessage(
      crlf('From: a@remote.test\nMessage-ID: <c@x.test>\nIn-Reply-To: <b@x.test>\nReferences: <a@x.test>\n <b@x.test>\nSubject: Re: s\n\nb\n'),
    );
    expect(parsed).toMatchObject({ messageId: 'c@x.test', inReplyTo: 'b@x.test', references: ['a@x.test', 'b@x.test'], parseError: null });
  });

  it('derives text from HTML for HTML-only mail, also inside multipart/related', async () => {
    const single = await parseMessage(crlf('From: a@remote.test\nContent-Type: text/html\n\n<p>Hello <b>there</b></p>\n'));
    expect(single.text).toContain('Hello there');
    const related = await parseMessage(
      crlf(
        'From: a@remote.test\nContent-Type: multipart/related; boundary="r"\n\n' +
          '--r\nContent-Type: text/html\n\n<p>Look at this</p><img src="cid:i@x">\n' +
          '--r\nContent-Type: image/png\nContent-ID: <i@x>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--r--\n',
      ),
    );
    expect(related.html).toContain('cid:i@x');
    expect(related.text).toContain('Look at this');
    expect(related.attachments).toHaveLength(1);
    expect(related.attachments[0]).toMatchObject({ contentId: 'i@x', contentType: 'image/png' });
  });

  // 200 KB of attachment: the parser is fed the message in 64 KB pieces.
  it('gives each attachment of a big message its exact bytes and their sha256 (the blob store uses it as the name)', async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 9)) % 256));
    const parsed = await parseMessage(
      crlf(
        'From: a@remote.test\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n\nbody\n' +
          '--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n' +
          bytes.toString('base64').replace(/.{76}/g, '$&\n') + '\n--b\nContent-Type: text/plain\n\ntail part\n--b--\n',
      ),
    );
    expect(parsed.text).toContain('body');
    expect(parsed.text).toContain('tail part'); // the part after the attachment, pieces later
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.content.equals(bytes)).toBe(true);
    expect(parsed.attachments[0]!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('names attachments that arrive without a filename', async () => {
    const parsed = await parseMessage(
      crlf('From: a@remote.test\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n\nbody\n--b\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner body\n--b--\n'),
    );
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.filename).toMatch(/\.eml$/);
  });
});

describe('parseHeaderBlock (the fallback when the parser gives up)', () => {
  it('reads folded, encoded headers and keeps the body as text', () => {
    const parsed = parseHeaderBlock(
      crlf('From: =?UTF-8?B?w4l2ZQ==?= <eve@remote.test>\nSubject: =?UTF-8?Q?caf=C3=A9?=\n continued\nMessage-ID: <id@x>\nDate: nonsense\n\nthe body\n'),
      'boom',
    );
    expect(parsed).toMatchObject({
      subject: 'café continued', from: { address: 'eve@remote.test', name: 'Éve' }, messageId: 'id@x', date: null,
      parseError: 'boom', html: null, attachments: [],
    });
    expect(parsed.text).toContain('the body');
  });

  it('finds the bare address the regex /[^\\s<>"]+@[^\\s<>"]+/ finds (property)', () => {
    const char = fc.constantFrom('a', 'b', '@', ' ', '\t', '<', '>', '"', '.');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 30 }).map((cs) => cs.join('')), (header) => {
        expect(bareAddress(header)).toBe(/[^\s<>"]+@[^\s<>"]+/.exec(header)?.[0] ?? '');
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('reads a From header of a megabyte of letters without an @', () => {
    // That regex took hours here (its time grows with the square of the run), holding the event loop.
    const parsed = parseHeaderBlock(crlf(`From: ${'a'.repeat(1_200_000)}\nSubject: s\n\nbody\n`), 'refused');
    expect(parsed.from.address).toBe('');
    expect(parsed.subject).toBe('s');
  });

  it('copes with no header/body separator and a bare address', () => {
    const parsed = parseHeaderBlock(Buffer.from('From: eve@remote.test\r\nSubject: s'), 'x');
    expect(parsed.from.address).toBe('eve@remote.test');
    expect(parsed.subject).toBe('s');
    expect(parsed.text).toBe('');
  });
});

describe('stripBrackets', () => {
  it('gives what the regexes gave, for any id (property)', () => {
    const old = (id: string) => id.trim().replace(/^<+/, '').replace(/>+$/, '').trim() || null;
    const char = fc.constantFrom('<', '>', ' ', 'a', '@');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')), (id) => {
        expect(stripBrackets(id)).toBe(old(id));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });

  it('reads an id of a megabyte of ">" before a letter (/>+$/ took hours)', () => {
    const id = `${'>'.repeat(1_000_000)}x`;
    expect(stripBrackets(id)).toBe(id);
  });

  it('removes angle brackets and blanks', () => {
    expect(stripBrackets(' <<a@b>> ')).toBe('a@b');
    expect(stripBrackets('<>')).toBeNull();
    expect(stripBrackets(undefined)).toBeNull();
  });
});
