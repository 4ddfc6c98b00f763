// Long id lists in pieces: a query's bound parameters are limited (SQLite's
// SQLITE_MAX_VARIABLE_NUMBER, and what the driver adapter passes), and IMAP
// asks for every message of a folder at once ("UID FETCH 1:*").
export const ID_CHUNK = 500;

export function idChunks<T>(ids: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** UIDs as a Prisma filter: a short list as IN, a long one as its range (the caller keeps the wanted ones). */
export function uidFilter(uids: readonly number[]): { in: number[] } | { gte: number; lte: number } {
  if (uids.length <= ID_CHUNK) return { in: [...uids] };
  const { from, to } = uidRange(uids);
  return { gte: from, lte: to };
}

/** The smallest and largest of a non-empty list (not spread into Math.min: 10,000 arguments). */
export function uidRange(uids: readonly number[]): { from: number; to: number } {
  let from = Infinity;
  let to = -Infinity;
  for (const u of uids) {
    if (u < from) from = u;
    if (u > to) to = u;
  }
  return { from, to };
}
