// Read receipts by mail, RFC 8098 (Message Disposition Notification): asking
// for one is a Disposition-Notification-To header on the outgoing message;
// a receipt is multipart/report; report-type=disposition-notification with a
// readable part, a message/disposition-notification part and the original's
// headers. Pure: bytes in, fields out; fields in, bytes out.
import MimeNode from 'nodemailer/lib/mime-node';
import addressparser from 'nodemailer/lib/addressparser';
import { headerSection, headerText, headerValues } from './header-fields.js';
import { toCrlf } from './line-endings.js';

export interface ReadReceipt {
  /** the Message-ID of the message that was read (without angle brackets) */
  originalMessageId: string;
  /** who read it (Final-Recipient, else Original-Recipient), lower-cased */
  reader: string | null;
  /** RFC 8098 3.2.6.2: displayed, deleted, dispatched, processed */
  disposition: string;
}

/** The notification part of a received MDN, or null when the message is not one (or names no original). */
export function parseReadReceipt(parts: ReadonlyArray<{ contentType: string; content: Buffer }>): ReadReceipt | null {
  const part = parts.find((p) => /^message\/(?:global-)?disposition-notification\b/i.test(p.contentType));
  if (!part) return null;
  const fields = notificationFields(part.content.toString('utf8'));
  const originalMessageId = (fields.get('original-message-id') ?? '').replace(/^\s*<|>\s*$/g, '').trim();
  if (!originalMessageId) return null;
  // "Disposition: manual-action/MDN-sent-manually; displayed" (modifiers may follow a slash).
  const disposition = /;\s*([a-z-]+)/i.exec(fields.get('disposition') ?? '')?.[1]?.toLowerCase() ?? '';
  return { originalMessageId, reader: recipientOf(fields.get('final-recipient') ?? fields.get('original-recipient')), disposition };
}

/** Where a read receipt for this message should go, when the sender asked for one and it is safe to answer. */
export function receiptRequestOf(raw: Buffer): string | null {
  const requested = headerValues(raw, 'disposition-notification-to')[0];
  if (!requested) return null;
  const [to] = addressparser(Buffer.from(requested, 'latin1').toString('utf8'), { flatten: true });
  const address = to?.address?.trim().toLowerCase();
  if (!address) return null;
  // RFC 8098 2.1: not automatically when the request names another address
  // than the Return-Path (here: the envelope sender our Received header recorded, or From).
  const sender = (returnPath(raw) ?? headerAddress(raw, 'from'))?.toLowerCase();
  return sender === address ? address : null;
}

export interface ReceiptInput {
  hostname: string;
  /** the reader: a local user */
  reader: { address: string; name: string };
  /** where the request asked the receipt to go */
  to: string;
  /** the message that was read */
  original: Buffer;
  messageId: string;
  date: Date;
}

export function composeReadReceipt(r: ReceiptInput): Promise<Buffer> {
  const subject = headerText(r.original, 'subject');
  const originalId = headerText(r.original, 'message-id').replace(/^<|>$/g, '').trim();
  const root = new MimeNode('multipart/report; report-type=disposition-notification', { newline: '\r\n' });
  root.setHeader({
    From: r.reader.name ? { name: r.reader.name, address: r.reader.address } : r.reader.address,
    To: `<${r.to}>`,
    Subject: `Read: ${subject}`,
    Date: r.date.toUTCString().replace(/GMT$/, '+0000'),
    'Message-ID': `<${r.messageId}>`,
    // RFC 3834: sent without the user writing it; nobody should auto-answer it.
    'Auto-Submitted': 'auto-replied',
  });
  if (originalId) root.setHeader({ 'In-Reply-To': `<${originalId}>`, References: `<${originalId}>` });
  root
    .createChild('text/plain; charset=utf-8')
    .setContent(
      `Your message${subject ? ` "${subject}"` : ''} to ${r.reader.address} was displayed on ${r.date.toUTCString()}.\r\n` +
        'This is no guarantee that it was read or understood.\r\n',
    );
  const notification = [
    `Reporting-UA: ${r.hostname}; ChitBox`,
    `Final-Recipient: rfc822;${r.reader.address}`,
    ...(originalId ? [`Original-Message-ID: <${originalId}>`] : []),
    // RFC 8098 3.2.6: the user opened it (manual action); the reader's setting sent this.
    'Disposition: manual-action/MDN-sent-automatically; displayed',
  ].join('\r\n');
  root.createChild('message/disposition-notification').setContent(`${notification}\r\n`);
  root.createChild('text/rfc822-headers').setContent(headerSection(r.original));
  return root.build().then(toCrlf);
}

function notificationFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.replace(/\r?\n(?=[ \t])/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
    }
  }
  return fields;
}

/** "rfc822;jane@example.com" → "jane@example.com" */
function recipientOf(field: string | undefined): string | null {
  if (!field) return null;
  const value = field.includes(';') ? field.slice(field.indexOf(';') + 1) : field;
  return value.replace(/^\s*<|>\s*$/g, '').trim().toLowerCase() || null;
}

function returnPath(raw: Buffer): string | null {
  const value = headerValues(raw, 'return-path')[0];
  const address = value?.replace(/^\s*<|>\s*$/g, '').trim();
  return address || null;
}

function headerAddress(raw: Buffer, name: string): string | null {
  const value = headerValues(raw, name)[0];
  if (!value) return null;
  return addressparser(Buffer.from(value, 'latin1').toString('utf8'), { flatten: true })[0]?.address?.trim() || null;
}
