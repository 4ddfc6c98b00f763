// Opaque keyset-pagination cursors: base64url of "<epoch ms>:<id>".
export interface CursorKey {
  at: Date;
  id: number;
}

/** The last instant a database column holds as a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_TIME = 253_402_300_799_999;
/** Row ids are 32-bit integers on every engine. */
const MAX_ID = 2_147_483_647;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(`${key.at.getTime()}:${key.id}`).toString('base64url');
}

/**
 * Returns null for anything that is not a cursor this module made, including
 * keys no row can have (past year 9999, an id beyond 32 bits): such a key
 * would reach the database as a value it cannot compare or bind.
 */
export function decodeCursor(cursor: string): CursorKey | null {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const m = /^(\d{1,15}):(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) return null;
  const at = Number(m[1]);
  const id = Number(m[2]);
  if (at > MAX_TIME || id > MAX_ID) return null;
  return { at: new Date(at), id };
}
