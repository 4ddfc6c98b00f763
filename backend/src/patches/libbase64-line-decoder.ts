// A faster base64 body decoder for mailparser, with the same output.
//
// mailparser (through @zone-eu/mailsplit) decodes every base64 part with
// libbase64's Decoder, which runs a regular expression over each chunk to drop
// line breaks and stray characters, then searches it for padding: a large
// share of the parser's CPU on big attachments (docs/performance.md). Node's
// own decoder already skips line breaks.
//
// So a body made of regular lines (every line the same length, a multiple of
// 4, ending CRLF; padding only at the very end) is decoded by Node directly.
// Anything else goes through libbase64's own code, unchanged. Proof that a
// chunk is regular comes from Node's decoder itself: a character it skips (a
// stray space, a misplaced "=") makes the output shorter than the line
// lengths promise, and then the chunk is decoded the old way. The only
// characters Node accepts and libbase64 drops ("-" and "_", base64url) are
// looked for first.
import { createRequire } from 'node:module';
import type { Transform, TransformCallback } from 'node:stream';
import { checkVersion, wrapMethod, type Patch } from './patch.js';

const require = createRequire(import.meta.url);

type DecoderClass = new (options?: object) => Transform & { _curLine: string };
const libbase64 = require('libbase64') as { Decoder: DecoderClass };

const CR = 0x0d;
const LF = 0x0a;
const PAD = 0x3d;
// A line longer than this waits for no further chunk: it goes the old way.
const MAX_PENDING_BYTES = 4096;

const OriginalDecoder = libbase64.Decoder;

export class LineBase64Decoder extends OriginalDecoder {
  /** raw bytes after the last line break, not decoded yet */
  private pending: Buffer | null = null;

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    const pending = this.pending;
    this.pending = null;
    const fast = this._curLine === '' ? decodeLines(pending, chunk) : null;
    if (!fast) return super._transform(pending ? Buffer.concat([pending, chunk]) : chunk, encoding, done);
    if (fast.decoded.length > 0) this.push(fast.decoded);
    this.pending = fast.rest;
    setImmediate(done);
  }

  override _flush(done: TransformCallback): void {
    const rest = this.pending;
    this.pending = null;
    if (!rest) return super._flush(done);
    super._transform(rest, 'latin1', (err?: Error | null) => (err ? done(err) : super._flush(done)));
  }
}

/**
 * Decodes the complete lines of `pending` + `chunk` when they are regular,
 * keeping what follows the last line break for the next chunk; null when this
 * chunk must go the old way. Only the first line can span the two, so only it
 * is copied. The result is one buffer, as libbase64 pushes: mailparser reads
 * attachments with read(), which joins whatever pieces are waiting.
 *
 * Where the work is split does not matter: libbase64 restarts the 4-character
 * groups after every "=" and carries at most 3 characters, so cutting its input
 * at the end of a complete group gives the same bytes.
 */
function decodeLines(pending: Buffer | null, chunk: Buffer): { decoded: Buffer; rest: Buffer | null } | null {
  const cut = chunk.lastIndexOf(LF) + 1;
  if (cut === 0) return null;
  const rest = chunk.subarray(cut);
  if (rest.length > MAX_PENDING_BYTES) return null;
  const firstEnd = pending ? chunk.indexOf(LF) + 1 : 0;
  const parts = [pending ? Buffer.concat([pending, chunk.subarray(0, firstEnd)]) : null, chunk.subarray(firstEnd, cut)].filter(
    (part): part is Buffer => part !== null && part.length > 0,
  );
  let bytes = 0;
  for (const part of parts) {
    const size = regularLinesBytes(part);
    if (size < 0) return null;
    bytes += size;
  }
  // Node stops at the first "=": padding anywhere but at the very end comes out short.
  const decoded = Buffer.from(parts.map((part) => part.toString('latin1')).join(''), 'base64');
  return decoded.length === bytes ? { decoded, rest: rest.length > 0 ? rest : null } : null;
}

/**
 * How many bytes `lines` (ending in CRLF) decode to when they are regular
 * base64 lines, or -1. Regular: every line but the last has the first line's
 * length, the last is no longer, both are multiples of 4, only alphabet
 * characters (the decoder checks: it skips anything else and comes out short),
 * and "=" only at the end of the last line.
 */
export function regularLinesBytes(lines: Buffer): number {
  const width = lines.indexOf(CR);
  if (width <= 0 || width % 4 !== 0 || lines[width + 1] !== LF) return -1;
  const stride = width + 2;
  const fullLines = Math.floor(lines.length / stride);
  for (let at = width; at < fullLines * stride; at += stride) {
    if (lines[at] !== CR || lines[at + 1] !== LF) return -1;
  }
  const lastLine = lines.length - fullLines * stride;
  // The remainder is one shorter line with its CRLF, or nothing.
  if (lastLine !== 0 && (lastLine < 6 || (lastLine - 2) % 4 !== 0 || lines[lines.length - 2] !== CR)) return -1;
  if (lines.includes(0x2d) || lines.includes(0x5f)) return -1; // "-", "_"
  const padding = paddingAtEnd(lines);
  if (padding < 0) return -1;
  const chars = fullLines * width + (lastLine === 0 ? 0 : lastLine - 2);
  return (chars / 4) * 3 - padding;
}

/** How many "=" end the last line (0 to 2), or -1 when one appears anywhere else. */
function paddingAtEnd(lines: Buffer): number {
  const first = lines.indexOf(PAD);
  if (first === -1) return 0;
  const end = lines.length - 2; // before the final CRLF
  const padding = end - first;
  if (padding > 2) return -1;
  for (let at = first; at < end; at++) if (lines[at] !== PAD) return -1;
  return padding;
}

/** mailparser (through mailsplit) decodes base64 parts with LineBase64Decoder. */
export const lineBase64DecoderPatch: Patch = {
  name: 'decode regular base64 lines with Node',
  library: 'libbase64',
  version: '1.3.1',
  install() {
    checkVersion(this);
    return wrapMethod(libbase64, 'Decoder', () => LineBase64Decoder);
  },
};
