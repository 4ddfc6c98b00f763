// Read and starred as mbox headers, the way mutt, Python's mailbox and
// Dovecot read them: `Status: R` read (O: seen, still unread), `X-Status: F`
// flagged, `X-Status: D` deleted.
//
// An export puts exactly "Status: RO|O" and "X-Status: F|" first in the
// header, where every reader sees them, even in a message whose header is
// damaged further down. An import removes those two lines when the message
// starts with them, so export then import gives back the stored bytes even
// for a message that carried a Status field of its own. Without them (mutt
// or Python wrote the file: they put the fields last) every Status and
// X-Status field is read and removed: they are mailbox state, not part of
// the message.
import type { MailboxFlags } from './mailbox-message.js';

const LEADING_PAIR = /^Status: ([RO]*)\r\nX-Status: ([ADFT]*)\r\n/;
const STATUS_FIELD = /^(Status|X-Status|X-Mozilla-Status):[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*/gim;

/** The message with the two flag lines put first. */
export function withFlagHeaders(raw: Buffer, flags: MailboxFlags): Buffer {
  return Buffer.concat([Buffer.from(`Status: ${flags.read ? 'RO' : 'O'}\r\nX-Status: ${flags.starred ? 'F' : ''}\r\n`, 'latin1'), raw]);
}

/** The flags of a CRLF message and the message without its flag fields. */
export function takeFlagHeaders(raw: Buffer): { raw: Buffer; flags: MailboxFlags; deleted: boolean } {
  const pair = LEADING_PAIR.exec(raw.subarray(0, 64).toString('latin1'));
  if (pair) {
    return {
      raw: raw.subarray(pair[0].length),
      flags: { read: pair[1]!.includes('R'), starred: pair[2]!.includes('F') },
      deleted: pair[2]!.includes('D'),
    };
  }
  const at = headerEnd(raw);
  const header = raw.subarray(0, at).toString('latin1');
  let status = '';
  let xStatus = '';
  let mozilla: number | null = null;
  const kept = header.replace(STATUS_FIELD, (field, name: string) => {
    const value = field.slice(name.length + 1).trim();
    const lower = name.toLowerCase();
    if (lower === 'status') status += value;
    else if (lower === 'x-status') xStatus += value;
    else {
      // Thunderbird's X-Mozilla-Status (hex: 1 read, 4 flagged, 8 deleted) is kept, only read.
      mozilla = Number.parseInt(value, 16);
      return field;
    }
    return '';
  });
  const moz = (bit: number) => mozilla !== null && Number.isFinite(mozilla) && (mozilla & bit) !== 0;
  const known = status !== '' || xStatus !== '';
  return {
    raw: kept.length === header.length ? raw : Buffer.concat([Buffer.from(kept, 'latin1'), raw.subarray(at)]),
    flags: { read: known ? status.includes('R') : moz(0x1), starred: known ? xStatus.includes('F') : moz(0x4) },
    deleted: known ? xStatus.includes('D') : moz(0x8),
  };
}

/** The offset just past the header's last line (before the empty line), or the end when there is no body. */
function headerEnd(raw: Buffer): number {
  if (raw[0] === 0x0d && raw[1] === 0x0a) return 0;
  const blank = raw.indexOf('\r\n\r\n');
  return blank === -1 ? raw.length : blank + 2;
}
