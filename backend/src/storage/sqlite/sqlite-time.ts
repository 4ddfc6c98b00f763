// How Prisma's SQLite adapter stores DateTime values (ISO 8601 with an explicit
// offset). Rows written with plain SQL use the same form, so Prisma reads them.
export function sqliteTime(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}
