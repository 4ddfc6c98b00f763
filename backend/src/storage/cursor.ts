// Opaque keyset-pagination cursors: base64url of "<epoch ms>:<id>".
export interface CursorKey {
  at: Date;
  id: number;
}

const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(`${key.at.getTime()}:${key.id}`).toString('base64url');
}

/** Returns null for anything that is not a cursor this module made. */
export function decodeCursor(cursor: string): CursorKey | null {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // Past the year 9999 a date no longer has a four-digit year: the database's dates end there.
  if (!m || Number(m[1]) > MAX_DATE_MS) return null;
  return { at: new Date(Number(m[1])), id: Number(m[2]) };
}
