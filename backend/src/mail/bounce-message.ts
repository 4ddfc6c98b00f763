// A non-delivery report for the sender's Inbox, in RFC 3464's shape so mail
// clients and list managers can read it: multipart/report with a readable
// explanation, a message/delivery-status part (one block per failed
// recipient: Final-Recipient, Action, Status, Diagnostic-Code) and the
// original message's headers (text/rfc822-headers). Threaded under the original.
import MimeNode from 'nodemailer/lib/mime-node';
import { headerSection, headerText } from './header-fields.js';
import { toCrlf } from './line-endings.js';

export interface BounceFailure {
  recipient: string;
  /** the remote server's reply ("550 5.1.1 no such user") or what went wrong */
  reason: string;
  /** the RFC 3463 status when the reason carries none (see statusOf) */
  status?: string;
}

export interface BounceInput {
  hostname: string;
  sender: string;
  failures: BounceFailure[];
  /** the message that could not be delivered */
  original: Buffer;
  /** seconds or attempts are told in words; this is the final reason line */
  summary: string;
  messageId: string;
  date: Date;
  /** when the original entered the queue (the report's Arrival-Date) */
  arrivalDate?: Date;
}

export function composeBounce(b: BounceInput): Promise<Buffer> {
  const subject = headerText(b.original, 'subject');
  const originalId = headerText(b.original, 'message-id').replace(/^<|>$/g, '').trim() || null;
  const root = new MimeNode('multipart/report; report-type=delivery-status', { newline: '\r\n' });
  root.setHeader({
    From: `Mail Delivery System <MAILER-DAEMON@${b.hostname}>`,
    To: `<${b.sender}>`,
    Subject: `Undelivered Mail Returned to Sender${subject ? `: ${subject}` : ''}`,
    Date: b.date.toUTCString().replace(/GMT$/, '+0000'),
    'Message-ID': `<${b.messageId}>`,
    // RFC 3834: an automatic reply; vacation responders must not answer it.
    'Auto-Submitted': 'auto-replied',
  });
  if (originalId) root.setHeader({ 'In-Reply-To': `<${originalId}>`, References: `<${originalId}>` });
  root.createChild('text/plain; charset=utf-8').setContent(explanation(b, subject));
  const report = deliveryStatus(b);
  // RFC 6533: a report naming a UTF-8 address (or quoting UTF-8) is the "global" kind.
  root.createChild(/[^\x00-\x7f]/.test(report) ? 'message/global-delivery-status' : 'message/delivery-status').setContent(report);
  root
    .createChild('text/rfc822-headers')
    .setHeader('Content-Disposition', 'attachment; filename="original-headers.txt"')
    .setContent(headerSection(b.original));
  return root.build().then(toCrlf);
}

function explanation(b: BounceInput, subject: string): string {
  const lines = [
    `This is the mail system at ${b.hostname}.`,
    '',
    `Your message${subject ? ` "${subject}"` : ''} could not be delivered to the following recipient${b.failures.length > 1 ? 's' : ''}:`,
    '',
    ...b.failures.map((f) => `  <${f.recipient}>: ${oneLine(f.reason)}`),
    '',
    b.summary,
    '',
    'The headers of your original message are attached.',
  ];
  return `${lines.join('\n')}\n`;
}

/** RFC 3464 section 2: per-message fields, then one block per recipient. */
function deliveryStatus(b: BounceInput): string {
  const message = [`Reporting-MTA: dns; ${b.hostname}`];
  if (b.arrivalDate) message.push(`Arrival-Date: ${b.arrivalDate.toUTCString().replace(/GMT$/, '+0000')}`);
  const blocks = b.failures.map((f) => {
    const reason = oneLine(f.reason);
    const addressType = /[^\x00-\x7f]/.test(f.recipient) ? 'utf-8' : 'rfc822';
    const block = [`Final-Recipient: ${addressType}; ${oneLine(f.recipient)}`, 'Action: failed', `Status: ${f.status ?? statusOf(reason)}`];
    // A reply from the remote server is an SMTP diagnostic; anything else stays in the text part.
    if (/^[245]\d\d\b/.test(reason)) block.push(`Diagnostic-Code: smtp; ${reason}`);
    return block.join('\r\n');
  });
  return `${[message.join('\r\n'), ...blocks].join('\r\n\r\n')}\r\n`;
}

/**
 * The RFC 3463 status: the enhanced code in the reply when there is one, else
 * its class from the basic code; a failure without a reply (retried until the
 * queue gave up) is 4.4.7, "delivery time expired".
 */
export function statusOf(reason: string): string {
  const enhanced = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reason);
  if (enhanced) return `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`;
  const basic = /^([45])\d\d\b/.exec(reason);
  if (basic) return `${basic[1]}.0.0`;
  return '4.4.7';
}

/** Report fields are header-like lines: no line breaks or control characters, bounded length. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 900);
}
