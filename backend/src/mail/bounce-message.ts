// A readable non-delivery report for the sender's Inbox (RFC 3464 in spirit:
// who failed, why, and the original headers), threaded under the original.
import { composeMessage } from './compose-message.js';
import { headerSection, headerText } from './header-fields.js';

export interface BounceInput {
  hostname: string;
  sender: string;
  failures: Array<{ recipient: string; reason: string }>;
  /** the message that could not be delivered */
  original: Buffer;
  /** seconds or attempts are told in words; this is the final reason line */
  summary: string;
  messageId: string;
  date: Date;
}

export function composeBounce(b: BounceInput): Promise<Buffer> {
  const subject = headerText(b.original, 'subject');
  const originalId = headerText(b.original, 'message-id').replace(/^<|>$/g, '').trim() || null;
  const lines = [
    `This is the mail system at ${b.hostname}.`,
    '',
    `Your message${subject ? ` "${subject}"` : ''} could not be delivered to the following recipient${b.failures.length > 1 ? 's' : ''}:`,
    '',
    ...b.failures.map((f) => `  <${f.recipient}>: ${f.reason}`),
    '',
    b.summary,
    '',
    'The headers of your original message are attached.',
  ];
  return composeMessage({
    from: { name: 'Mail Delivery System', address: `MAILER-DAEMON@${b.hostname}` },
    to: [{ address: b.sender }],
    cc: [],
    subject: `Undelivered Mail Returned to Sender${subject ? `: ${subject}` : ''}`,
    text: `${lines.join('\n')}\n`,
    attachments: [
      { filename: 'original-headers.txt', contentType: 'text/rfc822-headers', content: Buffer.from(headerSection(b.original), 'latin1') },
    ],
    messageId: b.messageId,
    inReplyTo: originalId,
    references: originalId ? [originalId] : [],
    date: b.date,
  });
}
