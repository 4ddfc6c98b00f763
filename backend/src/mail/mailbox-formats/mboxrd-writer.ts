// mboxrd export (docs/mailbox-formats.md): per message a From_ line
// ("From sender asctime-date", UTC), the message with LF line endings, every
// line matching /^>*From / given one more ">", and an empty line.
//
// Stored mail has CRLF line endings and nothing else (mail/line-endings.ts),
// so CRLF -> LF here and LF -> CRLF on import give back the same bytes. A
// message that is not CRLF throughout (it did not come through ChitBox's
// ingest) is written as it is; import makes it CRLF, as ingest would.
import { isAllCrlf } from '../line-endings.js';
import { withFlagHeaders } from './mbox-flags.js';
import type { ExportMessage } from './mailbox-message.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The whole mbox, one buffer per message: pipe it to a file or an HTTP response (Readable.from). */
export async function* writeMboxrd(messages: AsyncIterable<ExportMessage> | Iterable<ExportMessage>): AsyncGenerator<Buffer> {
  for await (const message of messages) yield encodeMboxrdMessage(message);
}

export function encodeMboxrdMessage(m: ExportMessage): Buffer {
  const marked = withFlagHeaders(m.raw, m.flags);
  let text = (isAllCrlf(marked) ? marked.toString('latin1').replace(/\r\n/g, '\n') : marked.toString('latin1'))
    // mboxrd: a line that would read as a From_ line, or as a quoted one, gets one more ">".
    .replace(/^(>*From )/gm, '>$1');
  if (!text.endsWith('\n')) text += '\n';
  return Buffer.from(`${fromLine(m.envelopeFrom, m.receivedAt)}\n${text}\n`, 'latin1');
}

/** "From sender Sat Jan  3 01:05:34 2026" (asctime in UTC, as Python's mailbox writes it). */
export function fromLine(envelopeFrom: string | null | undefined, date: Date): string {
  // The sender is one word of printable ASCII on the From_ line.
  const sender = (envelopeFrom ?? '').replace(/[^\x21-\x7e]+/g, '') || 'MAILER-DAEMON';
  return `From ${sender} ${asctime(date)}`;
}

function asctime(d: Date): string {
  const t = Number.isNaN(d.getTime()) ? new Date(0) : d;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} `
    + `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} ${t.getUTCFullYear()}`;
}
