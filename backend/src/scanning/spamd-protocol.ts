// SPAMC/1.5, the protocol spamc speaks to spamd (SpamAssassin's
// spamd/PROTOCOL): a request line, headers, a blank line and the message;
// the answer is "SPAMD/1.x <code> <text>", headers, a blank line and a body.
// Pure functions: bytes in, plain objects out.

const CRLF = '\r\n';

/** The request head; the message bytes follow it unchanged. */
export function spamcRequestHead(command: string, headers: Record<string, string>, bodyBytes: number | null): Buffer {
  let head = `${command} SPAMC/1.5${CRLF}`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}${CRLF}`;
  // spamd reads exactly Content-length bytes of message.
  if (bodyBytes !== null) head += `Content-length: ${bodyBytes}${CRLF}`;
  return Buffer.from(head + CRLF, 'latin1');
}

export interface SpamdReply {
  version: string;
  /** 0 is EX_OK; others are sysexits codes (64 EX_USAGE, 69 EX_UNAVAILABLE, 76 EX_PROTOCOL, ...) */
  code: number;
  /** "EX_OK", "PONG", or the error text */
  text: string;
  /** header names lower-cased; a repeated header keeps its last value */
  headers: Map<string, string>;
  body: Buffer;
}

/** Splits an answer; null when it is not a SPAMD answer at all. */
export function parseSpamdReply(bytes: Buffer): SpamdReply | null {
  const lineEnd = bytes.indexOf(CRLF);
  const first = (lineEnd < 0 ? bytes : bytes.subarray(0, lineEnd)).toString('latin1');
  // The lookaheads end each run where it ends, so no part gives characters back to another (linear in the line).
  const status = /^SPAMD\/(\d+\.\d+)\s+(\d+)(?!\d)\s*(?!\s)(.*)$/.exec(first);
  if (!status) return null;
  const headers = new Map<string, string>();
  let body: Buffer = Buffer.alloc(0);
  if (lineEnd >= 0) {
    const headEnd = bytes.indexOf(CRLF + CRLF, lineEnd);
    const head = bytes.subarray(lineEnd + 2, headEnd < 0 ? bytes.length : headEnd).toString('latin1');
    for (const line of head.split(CRLF)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headEnd >= 0) body = bytes.subarray(headEnd + 4);
  }
  const declared = headers.get('content-length');
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) < body.length) body = body.subarray(0, Number(declared));
  return { version: status[1]!, code: Number(status[2]), text: status[3]!.trim(), headers, body };
}

export interface SpamLine {
  isSpam: boolean;
  score: number;
  required: number;
  scoreText: string;
}

/** The value of the `Spam:` header: "True ; 15.0 / 5.0" (scores may be negative). */
export function parseSpamLine(value: string): SpamLine | null {
  const m = /^(True|False|Yes|No)\s*;\s*(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)$/i.exec(value.trim());
  if (!m) return null;
  return { isSpam: /^(true|yes)$/i.test(m[1]!), score: Number(m[2]), required: Number(m[3]), scoreText: m[2]! };
}

/**
 * One header field's value out of a header block (the HEADERS answer),
 * unfolded (RFC 5322 2.2.3) with runs of white space made one space.
 */
export function headerValue(block: string, name: string): string | null {
  const lines = block.split(/\r?\n/);
  const prefix = `${name.toLowerCase()}:`;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.toLowerCase().startsWith(prefix)) continue;
    let value = lines[i]!.slice(prefix.length);
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) value += lines[++i];
    return value.replace(/\s+/g, ' ').trim();
  }
  return null;
}

/**
 * X-Spam-Status as one clean line: folding inside the tests list (after a
 * comma) leaves no space behind.
 */
export function tidyStatus(status: string): string {
  return status.replace(/(tests=)((?:[^\s,]+,\s*)*[^\s,]+)/, (_m, key: string, list: string) => key + list.replace(/,\s+/g, ','));
}

/** The rule names in a tidy X-Spam-Status ("tests=none" is none). */
export function testsOf(status: string): string[] {
  const m = /(?:^|\s)tests=(\S*)/.exec(status);
  if (!m || m[1] === 'none') return [];
  return m[1]!.split(',').filter(Boolean);
}
