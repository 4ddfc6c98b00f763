// Values as PostgreSQL's text can hold them.

/**
 * PostgreSQL's text cannot hold NUL, which mail can (a header or body with a
 * stray \0 byte, kept as it is by SQLite): such a character becomes U+FFFD
 * in the parsed fields. The raw bytes, in blob_chunks, keep it.
 */
export function textValue(v: unknown): unknown {
  return typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
}
