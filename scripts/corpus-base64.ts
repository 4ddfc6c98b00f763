// For npm run test:corpus: every corpus message is parsed twice, once with
// libbase64's own Decoder and once with ChitBox's LineBase64Decoder
// (backend/src/patches/libbase64-line-decoder.ts), and must come out the same: bodies,
// attachment bytes and their sha256. Real-world base64 in all its shapes, not
// only the ones the unit tests thought of.
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';
import { parseMessage } from '../backend/src/mail/parse-message.js';
import { LineBase64Decoder } from '../backend/src/patches/libbase64-line-decoder.js';
import type { ParsedMessage } from '../backend/src/mail/parsed-message.js';

const require = createRequire(import.meta.url);
const libbase64 = require('libbase64') as { Decoder: new () => Transform };
const LibDecoder = Object.getPrototypeOf(LineBase64Decoder) as new () => Transform;

/** Parses `wire` with each decoder; returns what differs, or null. */
export async function compareBase64Decoders(wire: Buffer): Promise<string | null> {
  const before = libbase64.Decoder;
  try {
    libbase64.Decoder = LibDecoder;
    const expected = await parseMessage(wire);
    libbase64.Decoder = LineBase64Decoder;
    const actual = await parseMessage(wire);
    return difference(expected, actual);
  } finally {
    libbase64.Decoder = before;
  }
}

function difference(expected: ParsedMessage, actual: ParsedMessage): string | null {
  if (actual.text !== expected.text) return 'the text body differs';
  if (actual.html !== expected.html) return 'the HTML body differs';
  if (actual.attachments.length !== expected.attachments.length) {
    return `${actual.attachments.length} attachments instead of ${expected.attachments.length}`;
  }
  for (const [i, a] of actual.attachments.entries()) {
    const e = expected.attachments[i]!;
    if (!a.content.equals(e.content) || a.sha256 !== e.sha256) return `attachment ${i + 1} (${e.filename}) differs`;
  }
  return null;
}
