// Line endings for mail we store or relay. RFC 5321 2.3.8: lines end in CRLF
// and nowhere else; a bare CR or LF is what SMTP smuggling hides behind
// ("\n.\n" read as end of data by one server and not by the next).

/** Makes every line end CRLF (bare LF and bare CR alike); a no-op for well-formed mail. */
export function toCrlf(raw: Buffer): Buffer {
  if (isAllCrlf(raw)) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

// indexOf runs in native code: checking even a big message is cheap.
export function isAllCrlf(raw: Buffer): boolean {
  for (let i = raw.indexOf(0x0a); i !== -1; i = raw.indexOf(0x0a, i + 1)) {
    if (i === 0 || raw[i - 1] !== 0x0d) return false;
  }
  for (let i = raw.indexOf(0x0d); i !== -1; i = raw.indexOf(0x0d, i + 1)) {
    if (raw[i + 1] !== 0x0a) return false;
  }
  return true;
}
