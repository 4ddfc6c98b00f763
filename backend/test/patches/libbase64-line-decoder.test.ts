// The libbase64 patch: LineBase64Decoder must give exactly what libbase64's
// Decoder gives, for any input cut into any chunks, and take its fast path on
// ordinary bodies; installed as the parse thread installs it, mailparser
// uses it, and without the patch it does not.
import { createHash, randomBytes } from 'node:crypto';
import type { Transform } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMessage } from '../../src/mail/parse-message.js';
import { installParserPatches } from '../../src/patches/index.js';
import { LineBase64Decoder, regularLinesBytes } from '../../src/patches/libbase64-line-decoder.js';

type DecoderClass = new () => Transform;
const LibDecoder = Object.getPrototypeOf(LineBase64Decoder) as DecoderClass;

function decode(Decoder: DecoderClass, chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoder = new Decoder();
    const out: Buffer[] = [];
    decoder.on('data', (piece: Buffer) => out.push(piece));
    decoder.on('end', () => resolve(Buffer.concat(out)));
    decoder.on('error', reject);
    for (const chunk of chunks) decoder.write(chunk);
    decoder.end();
  });
}

function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

function base64Lines(bytes: Buffer, width: number, eol = '\r\n'): string {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return lines.join(eol) + eol;
}

// A seeded generator (mulberry32): a failure can be replayed.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function expectSameAsLibbase64(input: Buffer, sizes: number[]): Promise<void> {
  const expected = await decode(LibDecoder, cut(input, sizes));
  const actual = await decode(LineBase64Decoder, cut(input, sizes));
  expect(actual.equals(expected), `${JSON.stringify(input.toString('latin1').slice(0, 120))} cut ${sizes}`).toBe(true);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LineBase64Decoder', () => {
  it('decodes a 1 MB body without libbase64 and with the same bytes', async () => {
    const data = randomBytes(750 * 1024);
    const slowPath = vi.spyOn(LibDecoder.prototype, '_transform');
    const decoded = await decode(LineBase64Decoder, cut(Buffer.from(base64Lines(data, 76)), [65_520, 78]));
    expect(decoded.equals(data)).toBe(true);
    expect(slowPath).not.toHaveBeenCalled();
  });

  it.each([
    ['LF line ends', base64Lines(randomBytes(3000), 76, '\n')],
    ['a space inside a line', base64Lines(randomBytes(3000), 76).replace(/^(.{30})/m, '$1 ')],
    ['base64url characters', base64Lines(randomBytes(3000), 76).replace(/^(.{10})./m, '$1-').replace(/^(.{20})./m, '$1_')],
    ['lines of 77 characters', base64Lines(randomBytes(3000), 77)],
    ['a line of another length', base64Lines(randomBytes(300), 76) + base64Lines(randomBytes(300), 64)],
    ['padding in the middle (two bodies joined)', base64Lines(randomBytes(301), 76) + base64Lines(randomBytes(302), 76)],
    ['padding inside a line', 'QQ==QUJD\r\nQUJD\r\n'],
    ['padded lines with more after them', 'QUJD\r\nQQ==\r\nQUJDQUJD\r\nQUI=\r\nQUJD\r\n'],
    ['a single character left over', 'QUJDQ\r\n'],
    ['a line break without CR, the line a character longer', 'QUJD\r\nQUJDQ\nQUJD\r\nQUJ\r\n'],
    ['no final line break', 'QUJDQUJD\r\nQUJD'],
    ['junk and non-ASCII', 'QUJD*\r\n\xe9QUJD\r\n\r\n\r\n.QUJD\r\n'],
    ['nothing but line breaks', '\r\n\r\n\r\n'],
  ])('gives what libbase64 gives for %s, however it is cut', async (_what, text) => {
    const input = Buffer.from(text, 'latin1');
    const cuts = input.length < 400 ? [...Array(input.length).keys()].map((n) => [n + 1]) : [[1], [7], [77, 3], [500, 90], [4096]];
    for (const sizes of cuts) await expectSameAsLibbase64(input, sizes);
  });

  it('gives what libbase64 gives on 1,500 random bodies, cuts and defects', async () => {
    const next = random(20261204);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const defects = ['', ' ', '\t', '-', '_', '=', '==', '*', '\r', '\n', '\r\n', '\xe9', '.'];
    for (let i = 0; i < 1500; i++) {
      let text = base64Lines(randomBytes(Math.floor(next() * 3000)), pick([4, 8, 60, 64, 72, 76, 77, 3, 5]), next() < 0.1 ? '\n' : '\r\n');
      if (next() < 0.3) text += base64Lines(randomBytes(Math.floor(next() * 200)), 76);
      for (let d = Math.floor(next() * 3); d > 0; d--) {
        const at = Math.floor(next() * (text.length + 1));
        text = text.slice(0, at) + pick(defects) + text.slice(at);
      }
      if (next() < 0.1) text = text.slice(0, Math.floor(next() * text.length));
      await expectSameAsLibbase64(Buffer.from(text, 'latin1'), [1 + Math.floor(next() * 600), 1 + Math.floor(next() * 90)]);
    }
  });
});

describe('regularLinesBytes', () => {
  it.each([
    ['QUJD\r\nQUJD\r\n', 6],
    ['QUJDQUJD\r\nQUI=\r\n', 8],
    ['QUJDQUJD\r\nQQ==\r\n', 7],
    ['QUJDQUJD\r\nQUJDQUJDQUJD\r\n', -1],
    ['QUJD\r\nQUJDQUJD\r\n', -1],
    ['QUJ\r\n', -1],
    ['QUJD\nQUJD\n', -1],
    ['QU=D\r\n', -1],
    ['QQ==\r\nQUJD\r\n', -1],
    ['QUJD\r\nQ===\r\n', -1],
    ['QU-D\r\n', -1],
  ])('%j is %i bytes', (text, bytes) => {
    expect(regularLinesBytes(Buffer.from(text, 'latin1'))).toBe(bytes);
  });
});

function attachedMessage(data: Buffer): Buffer {
  return Buffer.from(
    [
      'From: a@remote.test',
      'To: b@example.test',
      'Subject: attached',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attachment',
      '--b',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(data, 76).trimEnd(),
      '--b--',
      '',
    ].join('\r\n'),
  );
}

describe('the patch, installed as a parse thread installs it', () => {
  it('makes mailparser decode base64 attachments with LineBase64Decoder, and only while installed', async () => {
    const data = randomBytes(200 * 1024);
    const fastPath = vi.spyOn(LineBase64Decoder.prototype, '_transform');
    const uninstall = installParserPatches();
    try {
      const parsed = await parseMessage(attachedMessage(data));
      expect(fastPath).toHaveBeenCalled();
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]!.content.equals(data)).toBe(true);
      expect(parsed.attachments[0]!.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    } finally {
      uninstall();
    }
    fastPath.mockClear();
    const unpatched = await parseMessage(attachedMessage(data));
    expect(fastPath).not.toHaveBeenCalled();
    expect(unpatched.attachments[0]!.content.equals(data)).toBe(true);
  });
});
