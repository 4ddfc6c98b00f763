// The SQL of full-text search on PostgreSQL, built from fixed fragments: what
// the user typed reaches the server only as bound parameters (the tsquery
// literal included, which the core compiled from the parsed query). The same
// filters and order as the SQLite engine (sqlite/search/search-sql.ts).
import { TS_RANK_WEIGHTS } from './pg-tsvector.js';
import type { SearchSpec } from '../mail-store.js';

/**
 * Matches are ranked among the user's newest this many: ts_rank has to score
 * every candidate, and a common word can match most of a mailbox. Newest by
 * id, as on SQLite (rowid), which the index's primary key serves.
 */
export const PG_RANK_WINDOW = 5000;

/**
 * How many of the user's newest index rows are read in id order before the
 * GIN index is asked. A word in one message in PG_RECENT_STRETCH /
 * PG_RANK_WINDOW or more fills the window inside the stretch; a rarer word
 * or a phrase then costs this stretch plus a GIN lookup of all its matches.
 */
export const PG_RECENT_STRETCH = 20_000;

export interface PgQuery {
  text: string;
  values: unknown[];
}

/** Ids of the user's messages that `spec` finds, best first (ts_rank, then newest), from `offset`, at most `limit`. */
export function pgSearchIdsQuery(userId: number, spec: SearchSpec, offset: number, limit: number): PgQuery {
  const values: unknown[] = [userId];
  const bind = (v: unknown) => `$${values.push(v)}`;
  const filters = filterSql(spec, bind);
  if (spec.fts5Match !== null && spec.tsquery !== null) {
    const q = `${bind(spec.tsquery)}::tsquery`;
    const window = bind(PG_RANK_WINDOW);
    const rank = (tsv: string) => `ts_rank('${TS_RANK_WEIGHTS}', ${tsv}, ${q})`;
    // The index row carries its message's owner and arrival time, so only a
    // filter on what can change (flags, folder, dates sent) reads the
    // message: a lookup by primary key for each candidate, in the candidates'
    // order (OFFSET 0 keeps PostgreSQL from turning it into a join it may run
    // as a hash over the whole table).
    const kept = (id: string) => filters === '' ? '' : `CROSS JOIN LATERAL (
        SELECT 1 FROM mail_messages m WHERE m.id = ${id} AND m.user_id = $1${filters} OFFSET 0) m`;
    // Two steps, so that no estimate of how many messages match decides the
    // plan (a phrase is estimated as its words together, often ten times too
    // many): `recent` reads a bounded stretch of the user's newest index rows
    // in id order, where a common word fills the window; only when that
    // leaves the window short does `matched` ask the GIN index for every
    // match, and the user's newest of them make the window. A MATERIALIZED
    // CTE runs only when read, and is an unordered set: no walk of a btree
    // can stand in for the GIN index there; nor is the owner pushed into it,
    // where a bitmap of the user's whole mailbox could be ANDed with the GIN's.
    return {
      text: `WITH recent AS MATERIALIZED (
        SELECT s.message_id AS id, s.created_at, ${rank('s.tsv')} AS score
        FROM (SELECT message_id, created_at, tsv FROM message_search WHERE user_id = $1
          ORDER BY message_id DESC LIMIT ${bind(PG_RECENT_STRETCH)}) s
        ${kept('s.message_id')}
        WHERE s.tsv @@ ${q}
        ORDER BY s.message_id DESC LIMIT ${window}),
      matched AS MATERIALIZED (SELECT message_id, user_id, created_at FROM message_search WHERE tsv @@ ${q}),
      older AS (
        SELECT x.message_id AS id, x.created_at
        FROM (SELECT message_id, created_at FROM matched WHERE user_id = $1 ORDER BY message_id DESC) x
        ${kept('x.message_id')}
        ORDER BY x.message_id DESC LIMIT ${window}),
      hits AS (
        SELECT id, created_at, score FROM recent WHERE (SELECT count(*) FROM recent) = ${window}
        UNION ALL
        SELECT id, created_at, (SELECT ${rank('s.tsv')} FROM message_search s WHERE s.message_id = older.id)
        FROM older WHERE (SELECT count(*) FROM recent) < ${window})
      SELECT id FROM hits ORDER BY score DESC, created_at DESC, id DESC LIMIT ${bind(limit)} OFFSET ${bind(offset)}`,
      values,
    };
  }
  // Negated words alone: out go the messages whose words the query rules out.
  const exclude = spec.tsquery === null ? ''
    : ` AND NOT EXISTS (SELECT 1 FROM message_search s WHERE s.message_id = m.id AND NOT (s.tsv @@ ${bind(spec.tsquery)}::tsquery))`;
  return {
    text: `SELECT m.id FROM mail_messages m WHERE m.user_id = $1${filters}${exclude}
      ORDER BY m.created_at DESC, m.id DESC LIMIT ${bind(limit)} OFFSET ${bind(offset)}`,
    values,
  };
}

function filterSql(spec: SearchSpec, bind: (v: unknown) => string): string {
  let sql = '';
  const flag = (column: string, value: boolean | null) => {
    if (value !== null) sql += ` AND m.${column} = ${bind(value)}`;
  };
  flag('is_read', spec.isRead);
  flag('is_starred', spec.isStarred);
  flag('has_attachments', spec.hasAttachments);
  if (spec.sentOnOrAfter) sql += ` AND m.sent_at >= ${bind(spec.sentOnOrAfter)}`;
  if (spec.sentBefore) sql += ` AND m.sent_at < ${bind(spec.sentBefore)}`;
  // in:<folder> by name or kind, case-insensitively; the folder must be the user's own.
  const folder = (name: string, negated: boolean) => {
    const p = bind(name.toLowerCase());
    sql += ` AND m.folder_id ${negated ? 'NOT IN' : 'IN'} (SELECT id FROM folders WHERE user_id = $1 AND (lower(name) = ${p} OR kind = ${p}))`;
  };
  for (const name of spec.folders) folder(name, false);
  for (const name of spec.excludedFolders) folder(name, true);
  return sql;
}

/** What of a stored message (m) its index entry is made from. */
const UNINDEXED_COLUMNS = `m.id, m.subject, m.from_name AS "fromName", m.from_email AS "fromEmail", m.to_json AS "toJson",
      m.cc_json AS "ccJson", m.body_text AS "bodyText",
      (SELECT coalesce(json_agg(a.filename ORDER BY a.id), '[]'::json) FROM attachments a WHERE a.message_id = m.id) AS "attachmentNames"`;

export const PG_SEARCH_SQL = {
  /** The rows of search hits, with what highlighting needs. */
  hits: `SELECT m.id, m.user_id AS "userId", m.thread_id AS "threadId", m.folder_id AS "folderId",
      m.from_email AS "fromEmail", m.from_name AS "fromName", m.subject, m.snippet,
      m.is_read AS "isRead", m.is_starred AS "isStarred", m.has_attachments AS "hasAttachments",
      m.sent_at AS "sentAt", m.created_at AS "createdAt", m.to_json AS "toJson", m.cc_json AS "ccJson",
      substr(m.body_text, 1, $3) AS "bodyHead",
      (SELECT coalesce(json_agg(a.filename ORDER BY a.id), '[]'::json) FROM attachments a WHERE a.message_id = m.id) AS "attachmentNames"
    FROM mail_messages m WHERE m.user_id = $1 AND m.id = ANY($2::int[])`,
  index: `INSERT INTO message_search (message_id, user_id, created_at, tsv) VALUES ($1, $2, $3, $4::tsvector)`,
  // Mail stored before the index existed (or whose delivery had no text): the newest first.
  pending: `SELECT ${UNINDEXED_COLUMNS}
    FROM mail_messages m WHERE NOT EXISTS (SELECT 1 FROM message_search s WHERE s.message_id = m.id)
    ORDER BY m.id DESC LIMIT $1`,
  messages: `SELECT ${UNINDEXED_COLUMNS}
    FROM mail_messages m WHERE m.id = ANY($1::int[]) ORDER BY m.id`,
  // A message deleted since it was read is not indexed (its trigger already ran).
  backfill: `INSERT INTO message_search (message_id, user_id, created_at, tsv)
    SELECT m.id, m.user_id, m.created_at, $2::tsvector FROM mail_messages m WHERE m.id = $1
    ON CONFLICT (message_id) DO NOTHING`,
} as const;
