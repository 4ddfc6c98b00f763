// Pure parsing: raw bytes in, a ParsedMessage out (STYLE.md practice 9).
// Mail that parses badly is still mail: on a parser failure we fall back to
// the headers we can read and keep the raw bytes untouched elsewhere.
import { Readable } from 'node:stream';
import { htmlToText } from 'html-to-text';
import { simpleParser, type AddressObject, type ParsedMail, type Attachment } from 'mailparser';
import type { MailAddress, ParsedAttachment, ParsedMessage } from './parsed-message.js';
import { extensionFor } from './content-types.js';
import { parseHeaderBlock } from './header-fallback.js';

const PARSE_OPTIONS = {
  keepCidLinks: true, // we resolve cid: to attachment URLs ourselves; no data: bloat
  skipImageLinks: true,
  skipTextLinks: true,
  skipTextToHtml: true, // textAsHtml is never used: plain-text mail is shown as text
  maxHtmlLengthToParse: 5 * 1024 * 1024,
  // mailparser hashes every attachment as it decodes it (md5 by default).
  // Asked for sha256, that hash is the blob store's content address, so the
  // bytes are hashed once, not twice; with the CPU's SHA extensions sha256
  // is also the cheaper of the two.
  checksumAlgo: 'sha256',
};

// mailparser's base64 decoder turns each chunk it is given into a string. Given
// a whole 1 MB message at once it makes megabyte strings, which V8 puts
// straight into the old generation, where they drive full collections
// (docs/performance.md). Fed in socket-sized pieces, as the
// parser is when it reads a connection, those strings die young.
const FEED_BYTES = 64 * 1024;

function inPieces(raw: Buffer): Buffer | Readable {
  if (raw.length <= FEED_BYTES) return raw;
  return Readable.from(
    (function* () {
      for (let at = 0; at < raw.length; at += FEED_BYTES) yield raw.subarray(at, at + FEED_BYTES);
    })(),
    { objectMode: false },
  );
}

export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  try {
    return fromMailparser(await simpleParser(inPieces(raw), PARSE_OPTIONS));
  } catch (err) {
    return parseHeaderBlock(raw, err instanceof Error ? err.message : String(err));
  }
}

function fromMailparser(mail: ParsedMail): ParsedMessage {
  const from = addressList(mail.from)[0] ?? { address: '', name: '' };
  const html = typeof mail.html === 'string' ? mail.html : null;
  return {
    messageId: stripBrackets(mail.messageId),
    inReplyTo: firstId(mail.inReplyTo),
    references: idList(mail.references),
    from,
    to: addressList(mail.to),
    cc: addressList(mail.cc),
    subject: (mail.subject ?? '').trim(),
    date: dateOf(mail),
    text: mail.text || (html ? textFromHtml(html) : ''),
    html,
    attachments: mail.attachments.map(toAttachment),
    parseError: null,
  };
}

// CONTRACT.md: for HTML-only mail, bodyText is derived from the HTML.
// mailparser does this only when the HTML part is the whole message; an HTML
// body inside multipart/related or /mixed (inline images, attachments) leaves
// `text` undefined. Same converter and size cap as mailparser's own.
function textFromHtml(html: string): string {
  if (html.length > PARSE_OPTIONS.maxHtmlLengthToParse) return '';
  try {
    return htmlToText(html);
  } catch {
    return '';
  }
}

function toAttachment(a: Attachment, index: number): ParsedAttachment {
  const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
  return {
    filename: a.filename?.trim() || `attachment-${index + 1}${extensionFor(contentType)}`,
    contentType,
    contentId: stripBrackets(a.contentId ?? a.cid),
    content: a.content,
    sha256: a.checksum,
  };
}

export function addressList(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject['value']): void => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address, name: e.name ?? '' });
    }
  };
  for (const o of objects) walk(o.value);
  return out;
}

export function stripBrackets(id: string | undefined | null): string | null {
  if (!id) return null;
  // The lookbehind starts the match only at the run's first ">": />+$/ tried every start inside a long run, quadratic in it.
  const trimmed = id.trim().replace(/^<+/, '').replace(/(?<!>)>+$/, '').trim();
  return trimmed || null;
}

function idList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const raw = Array.isArray(value) ? value.join(' ') : value;
  const ids = raw.match(/<[^<>\s]+>/g) ?? raw.split(/\s+/);
  return ids.map(stripBrackets).filter((x): x is string => !!x);
}

function firstId(value: string | undefined): string | null {
  return idList(value)[0] ?? null;
}

// mailparser replaces a Date header it cannot parse with the time of parsing;
// ParsedMessage (and CONTRACT.md's sentAt) want an invalid Date to be null.
function dateOf(mail: ParsedMail): Date | null {
  const line = mail.headerLines.find((h) => h.key === 'date')?.line;
  if (!line) return null;
  const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  return Number.isNaN(new Date(value).getTime()) ? null : validDate(mail.date);
}

function validDate(d: Date | undefined): Date | null {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : null;
}
