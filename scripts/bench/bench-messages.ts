// The mail the bench sends: realistic MIME, every message distinct. Distinct
// matters: identical messages would repeat one Message-ID and let a
// content-addressed blob store write one attachment instead of hundreds.
import { randomBytes } from 'node:crypto';

export const BENCH_SENDER = 'load@sender.test';
export const BENCH_RECIPIENT = 'bench@bench.test';

/** One message as it goes on the wire after DATA: CRLF lines, dot-stuffed, no final ".". */
export interface WireMessage {
  subject: string;
  wireBytes: Buffer;
}

const CRLF = '\r\n';
const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor ' +
  'incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud ' +
  'exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ';

function headers(subject: string, index: number, contentType: string): string[] {
  const stamp = `${Date.now().toString(36)}.${index}.${randomBytes(4).toString('hex')}`;
  return [
    `From: Load Generator <${BENCH_SENDER}>`,
    `To: Bench User <${BENCH_RECIPIENT}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${stamp}@sender.test>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ];
}

/** About targetBytes of 7-bit prose in lines under 76 columns, as mail clients wrap it. */
function proseLines(targetBytes: number): string[] {
  const words = LOREM.repeat(Math.ceil(targetBytes / LOREM.length) + 1).split(' ');
  const lines: string[] = [];
  let line = '';
  let total = 0;
  for (const word of words) {
    if (total >= targetBytes) break;
    if (line.length + word.length + 1 > 76) {
      lines.push(line);
      total += line.length + 2;
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** ~4 KB multipart/alternative: a plain-text part and an HTML part saying the same. */
export function smallAlternativeMessage(index: number, subjectPrefix: string): WireMessage {
  const subject = `${subjectPrefix} ${index}`;
  const boundary = `alt-${index}-${randomBytes(6).toString('hex')}`;
  const text = proseLines(1_700);
  const html = [
    '<!doctype html><html><body>',
    `<h1>Bench message ${index}</h1>`,
    ...text.map((line) => `<p>${line}</p>`),
    '</body></html>',
  ];
  const lines = [
    ...headers(subject, index, `multipart/alternative; boundary="${boundary}"`),
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...text,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...html,
    `--${boundary}--`,
    '',
  ];
  return { subject, wireBytes: toWire(lines) };
}

/** ~1 MB: a short text part and one attachment of random bytes, base64 at 76 columns. */
export function largeAttachmentMessage(index: number, subjectPrefix: string): WireMessage {
  const subject = `${subjectPrefix} ${index}`;
  const boundary = `mixed-${index}-${randomBytes(6).toString('hex')}`;
  // base64 grows bytes by 4/3 plus CRLF every 76 chars: 750 KiB of data is ~1 MiB on the wire.
  const attachment = randomBytes(750 * 1024).toString('base64');
  const base64Lines: string[] = [];
  for (let offset = 0; offset < attachment.length; offset += 76) {
    base64Lines.push(attachment.slice(offset, offset + 76));
  }
  const lines = [
    ...headers(subject, index, `multipart/mixed; boundary="${boundary}"`),
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...proseLines(600),
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="data-${index}.bin"`,
    `Content-Disposition: attachment; filename="data-${index}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    ...base64Lines,
    `--${boundary}--`,
    '',
  ];
  return { subject, wireBytes: toWire(lines) };
}

// RFC 5321 4.5.2: a line starting with "." gets one more "." on the wire.
function toWire(lines: string[]): Buffer {
  return Buffer.from(lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join(CRLF) + CRLF);
}

/** The same message as a plain file for smtp-source -F, which adds CRLF and dot-stuffing itself. */
export function toPlainFile(message: WireMessage): string {
  return message.wireBytes
    .toString('latin1')
    .split(CRLF)
    .map((line) => (line.startsWith('..') ? line.slice(1) : line))
    .join('\n');
}
