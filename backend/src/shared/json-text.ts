// A long string as a JSON string literal in UTF-8, made a slice at a time with
// a turn of the event loop between slices. JSON.stringify and the UTF-8
// encoding of a multi-megabyte mail body in one go hold the event loop for
// tens of milliseconds, and every request arriving meanwhile (/health among
// them) waits for it; sliced, a request waits for one slice at most.
import type { Hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** UTF-16 code units per slice: well under a millisecond of work each */
export const JSON_SLICE_CHARS = 64 * 1024;

const QUOTE = Buffer.from('"');

/**
 * `JSON.stringify(s)` as UTF-8 bytes, in pieces whose concatenation is
 * exactly those bytes. `hash`, when given, is fed every piece in order.
 */
export async function jsonStringPieces(s: string, opts: { sliceChars?: number; hash?: Hash } = {}): Promise<Buffer[]> {
  const size = Math.max(1, opts.sliceChars ?? JSON_SLICE_CHARS);
  const pieces: Buffer[] = [QUOTE];
  opts.hash?.update(QUOTE);
  for (let at = 0; at < s.length;) {
    let end = Math.min(s.length, at + size);
    // A surrogate pair split between two slices would come out as two \u escapes instead of the character.
    if (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end++;
    // Each slice's literal without its quotes: JSON escapes character by character, so the slices join up.
    const piece = Buffer.from(JSON.stringify(s.slice(at, end))).subarray(1, -1);
    pieces.push(piece);
    opts.hash?.update(piece);
    at = end;
    if (at < s.length) await nextTurn();
  }
  pieces.push(QUOTE);
  opts.hash?.update(QUOTE);
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
