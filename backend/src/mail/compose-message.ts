// Composes an RFC 5322 message from what a user typed in the web inbox, with
// nodemailer's MIME composer. Pure: the same input gives a message with the
// same structure; ids and dates are supplied by the caller.
import MailComposer from 'nodemailer/lib/mail-composer';
import { toCrlf } from './line-endings.js';

export interface ComposeAddress {
  address: string;
  name?: string;
}

export interface ComposeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ComposeInput {
  from: ComposeAddress;
  to: ComposeAddress[];
  cc: ComposeAddress[];
  /** never written into the headers (RFC 5322 3.6.3: Bcc recipients stay hidden) */
  subject: string;
  text?: string;
  html?: string;
  attachments: ComposeAttachment[];
  /** without angle brackets */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  date: Date;
  /** RFC 8098 2.1: where a read receipt should go (the sender), when one is asked for */
  dispositionNotificationTo?: string;
}

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    cc: input.cc.length ? input.cc : undefined,
    subject: input.subject,
    text: input.text,
    html: input.html,
    messageId: `<${input.messageId}>`,
    inReplyTo: input.inReplyTo ? `<${input.inReplyTo}>` : undefined,
    references: input.references?.length ? input.references.map((r) => `<${r}>`) : undefined,
    date: input.date,
    headers: input.dispositionNotificationTo ? { 'Disposition-Notification-To': `<${input.dispositionNotificationTo}>` } : undefined,
    attachments: input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    // Stay 7-bit/quoted-printable friendly for any relay on the way.
    textEncoding: 'quoted-printable',
  });
  // The composer can leave a bare LF inside quoted-printable text; stored and
  // relayed mail is CRLF only.
  return toCrlf(await composer.compile().build());
}
