// Best-effort fields for mail that mailparser refused: read the header block
// with the same decoders mailparser uses, keep the body as plain text, and
// list the attachments a scan of the MIME structure finds (mime-scan.ts).
import libmime from 'libmime';
import { headerFields } from './header-line.js';
import { scanAttachments } from './mime-scan.js';
import type { ParsedMessage } from './parsed-message.js';

export function parseHeaderBlock(raw: Buffer, parseError: string): ParsedMessage {
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  const headerText = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split).replace(/^\s+/, '') : '';
  const headers = new Map<string, string>();
  for (const { name, value } of headerFields(headerText)) {
    if (!headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), value);
  }
  const decode = (v: string | undefined): string => {
    if (!v) return '';
    try {
      return libmime.decodeWords(v).trim();
    } catch {
      return v.trim();
    }
  };
  const fromHeader = decode(headers.get('from'));
  const addr = /<([^<>]+)>/.exec(fromHeader)?.[1] ?? bareAddress(fromHeader);
  const date = headers.get('date') ? new Date(headers.get('date')!) : null;
  const ids = (v: string | undefined) => (v?.match(/<[^<>\s]+>/g) ?? []).map((s) => s.slice(1, -1));
  return {
    messageId: ids(headers.get('message-id'))[0] ?? null,
    inReplyTo: ids(headers.get('in-reply-to'))[0] ?? null,
    references: ids(headers.get('references')),
    from: { address: addr, name: fromHeader.replace(/<[^<>]*>/, '').replace(/"/g, '').trim() },
    to: [],
    cc: [],
    subject: decode(headers.get('subject')),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    text: body.slice(0, 200_000),
    html: null,
    attachments: scanAttachments(raw),
    parseError,
  };
}

/**
 * The first run of characters other than blanks, <, > and " that holds an @
 * with something on each side: what /[^\s<>"]+@[^\s<>"]+/ matches, in linear
 * time. That regex backtracks over every start in a long run without an @,
 * and this runs on the event loop for mail the parser refused (a From header
 * of a megabyte of letters stopped every delivery).
 */
export function bareAddress(header: string): string {
  for (const run of header.split(/[\s<>"]+/)) {
    const at = run.indexOf('@', 1);
    if (at !== -1 && at < run.length - 1) return run;
  }
  return '';
}
