// The SQL of a search on the SQLite engine, built from fixed fragments: what
// the user typed reaches SQLite only as bound parameters (the FTS5 MATCH
// string included, which the core compiled from the parsed query).
import type { SearchSpec } from '../../mail-store.js';
import { sqliteTime } from '../sqlite-time.js';

/**
 * Full-text matches are ranked among the user's newest this many: bm25 has
 * to score every candidate, and a common word can match most of a mailbox.
 * Past this window a query needs more words or operators.
 */
export const RANK_WINDOW = 5000;

/** bm25() weights in the column order of the search migration: subject, sender, recipients, body, attachments. */
const BM25 = 'bm25(message_search, 4, 2, 1, 1, 2)';

export interface BuiltQuery {
  sql: string;
  params: Record<string, unknown>;
}

/** Ids of the user's messages that `spec` finds, best first, from `offset`, at most `limit`. */
export function searchIdsQuery(userId: number, spec: SearchSpec, offset: number, limit: number): BuiltQuery {
  const params: Record<string, unknown> = { user: userId, offset, limit };
  const filters = filterSql(spec, params);
  if (spec.fts5Match !== null) {
    params.match = spec.fts5Match;
    params.window = RANK_WINDOW;
    // The inner query walks the index newest first (FTS5 serves ORDER BY rowid
    // DESC itself) and stops at the window; only those are scored and sorted.
    return {
      sql: `WITH hits AS (
        SELECT m.id AS id, m.created_at AS createdAt, ${BM25} AS score
        FROM message_search JOIN mail_messages m ON m.id = message_search.rowid
        WHERE message_search MATCH @match AND m.user_id = @user${filters}
        ORDER BY message_search.rowid DESC LIMIT @window)
      SELECT id FROM hits ORDER BY score, createdAt DESC, id DESC LIMIT @limit OFFSET @offset`,
      params,
    };
  }
  let exclude = '';
  if (spec.fts5Exclude !== null) {
    params.exclude = spec.fts5Exclude;
    exclude = ' AND m.id NOT IN (SELECT rowid FROM message_search WHERE message_search MATCH @exclude)';
  }
  return {
    sql: `SELECT m.id AS id FROM mail_messages m WHERE m.user_id = @user${filters}${exclude}
      ORDER BY m.created_at DESC, m.id DESC LIMIT @limit OFFSET @offset`,
    params,
  };
}

function filterSql(spec: SearchSpec, params: Record<string, unknown>): string {
  let sql = '';
  const flag = (column: string, name: string, value: boolean | null) => {
    if (value === null) return;
    params[name] = value ? 1 : 0;
    sql += ` AND m.${column} = @${name}`;
  };
  flag('is_read', 'isRead', spec.isRead);
  flag('is_starred', 'isStarred', spec.isStarred);
  flag('has_attachments', 'hasAttachments', spec.hasAttachments);
  if (spec.sentOnOrAfter) {
    params.after = sqliteTime(spec.sentOnOrAfter);
    sql += ' AND m.sent_at >= @after';
  }
  if (spec.sentBefore) {
    params.before = sqliteTime(spec.sentBefore);
    sql += ' AND m.sent_at < @before';
  }
  // in:<folder> by name or kind, case-insensitively; the folder must be the user's own.
  const folder = (name: string, key: string, negated: boolean) => {
    params[key] = name.toLowerCase();
    sql += ` AND m.folder_id ${negated ? 'NOT IN' : 'IN'} (SELECT id FROM folders WHERE user_id = @user AND (lower(name) = @${key} OR kind = @${key}))`;
  };
  spec.folders.forEach((name, i) => folder(name, `in${i}`, false));
  spec.excludedFolders.forEach((name, i) => folder(name, `notIn${i}`, true));
  return sql;
}

/** The rows of search hits, with what highlighting needs; @ids is a JSON array. */
export const SEARCH_HITS_SQL = `SELECT m.id AS id, m.user_id AS userId, m.thread_id AS threadId, m.folder_id AS folderId,
    m.from_email AS fromEmail, m.from_name AS fromName, m.subject AS subject, m.snippet AS snippet,
    m.is_read AS isRead, m.is_starred AS isStarred, m.has_attachments AS hasAttachments,
    m.sent_at AS sentAt, m.created_at AS createdAt, m.to_json AS toJson, m.cc_json AS ccJson,
    substr(m.body_text, 1, @headChars) AS bodyHead,
    (SELECT json_group_array(a.filename) FROM attachments a WHERE a.message_id = m.id) AS attachmentNames
  FROM mail_messages m WHERE m.user_id = @user AND m.id IN (SELECT value FROM json_each(@ids))`;
