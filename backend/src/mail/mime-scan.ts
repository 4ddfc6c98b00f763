// The attachments of a message the parser refused (too many parts, a header
// block past its limit, a parse abandoned at its deadline), found by a plain
// scan of the MIME structure: every part between boundary lines whose headers
// name a file. Without it such mail was stored with its attachments invisible.
// Linear in the message, bounded in parts; never throws.
import { createHash } from 'node:crypto';
import libmime from 'libmime';
import { headerFields } from './header-line.js';
import type { ParsedAttachment } from './parsed-message.js';

/** At most this many attachments are listed (the raw message keeps the rest). */
const MAX_ATTACHMENTS = 1_000;
/** Boundaries read from the message, at most. */
const MAX_BOUNDARIES = 200;

export function scanAttachments(raw: Buffer): ParsedAttachment[] {
  try {
    const text = raw.toString('latin1');
    const boundaries = new Set<string>();
    for (const m of text.matchAll(/boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))/gi)) {
      boundaries.add((m[1] ?? m[2])!);
      if (boundaries.size >= MAX_BOUNDARIES) break;
    }
    const found: ParsedAttachment[] = [];
    for (const part of partsOf(text, boundaries)) {
      const attachment = attachmentOf(part);
      if (attachment) found.push(attachment);
      if (found.length >= MAX_ATTACHMENTS) break;
    }
    return found;
  } catch {
    return [];
  }
}

/** The text between consecutive boundary lines of any of the boundaries. */
function* partsOf(text: string, boundaries: Set<string>): Generator<string> {
  if (boundaries.size === 0) return;
  let start = -1;
  const lineEnd = /\r\n|[\n\r\u2028\u2029]/g;
  for (let at = 0; at <= text.length;) {
    const m = lineEnd.exec(text);
    const end = m ? m.index : text.length;
    const name = delimiterName(text, at, end);
    if (name !== null && boundaries.has(name)) {
      if (start >= 0) yield text.slice(start, at);
      start = m ? end + m[0].length : text.length;
    }
    if (!m) break;
    at = end + m[0].length;
  }
}

/**
 * The boundary a delimiter line names: text[at, end) is "--name", maybe
 * "--" after it, then blanks. What /^--(.+?)(--)?[ \t]*$/m captured, in
 * linear time: that regex backtracked over every length of the name before a
 * long run of blanks, quadratic in one hostile line, on the event loop.
 */
export function delimiterName(text: string, at: number, end: number): string | null {
  if (!text.startsWith('--', at)) return null;
  const first = at + 2;
  if (end === first) return null;
  let name = end;
  while (name > first && (text.charCodeAt(name - 1) === 0x20 || text.charCodeAt(name - 1) === 0x09)) name--;
  // The name is at least one character (a blank, if that is all there is); a closing "--" after it is not part of it.
  if (name === first) return text.slice(first, first + 1);
  if (name - first > 2 && text.startsWith('--', name - 2)) name -= 2;
  return text.slice(first, name);
}

function attachmentOf(part: string): ParsedAttachment | null {
  const split = part.search(/\r?\n\r?\n/);
  if (split < 0) return null;
  const headers = new Map<string, string>();
  for (const { name, value } of headerFields(part.slice(0, split))) headers.set(name.toLowerCase(), value);
  const type = headers.get('content-type') ?? 'text/plain';
  const disposition = headers.get('content-disposition') ?? '';
  if (/^\s*multipart\//i.test(type)) return null;
  const filename = param(disposition, 'filename') ?? param(type, 'name');
  if (!filename && !/^\s*attachment/i.test(disposition)) return null;
  const body = part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
  const content = decodeBody(body, (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase());
  const contentId = /<([^<>]+)>/.exec(headers.get('content-id') ?? '')?.[1] ?? null;
  return {
    filename: filename ? decodeWords(filename) : 'attachment',
    contentType: type.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream',
    contentId,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value).trim() || 'attachment';
  } catch {
    return value.trim() || 'attachment';
  }
}

function decodeBody(body: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const unfolded = body.replace(/=\r?\n/g, '');
    return Buffer.from(unfolded.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}
