// Reads a few header fields straight from raw bytes, without parsing bodies:
// what submission policy and bounces need before (or instead of) a full parse.
import addressparser from 'nodemailer/lib/addressparser';
import libmime from 'libmime';

/** The header section (up to the first empty line), as latin1 text. */
export function headerSection(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const lfEnd = end === -1 ? raw.indexOf('\n\n') : -1;
  const cut = end !== -1 ? end + 2 : lfEnd !== -1 ? lfEnd + 1 : raw.length;
  return raw.subarray(0, cut).toString('latin1');
}

/** Every value of a header field, unfolded (RFC 5322 2.2.3), in order. */
export function headerValues(raw: Buffer, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  const unfolded = headerSection(raw).replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** Lower-cased addresses of every mailbox in every occurrence of the field (groups flattened). */
export function headerAddresses(raw: Buffer, name: string): string[] {
  const out: string[] = [];
  for (const value of headerValues(raw, name)) {
    const decoded = Buffer.from(value, 'latin1').toString('utf8');
    for (const entry of addressparser(decoded, { flatten: true })) out.push((entry.address ?? '').trim().toLowerCase());
  }
  return out;
}

/** A decoded single-valued text field (Subject, Message-ID), or ''. */
export function headerText(raw: Buffer, name: string): string {
  const value = headerValues(raw, name)[0];
  if (value === undefined) return '';
  try {
    return libmime.decodeWords(Buffer.from(value, 'latin1').toString('utf8'));
  } catch {
    return value;
  }
}
