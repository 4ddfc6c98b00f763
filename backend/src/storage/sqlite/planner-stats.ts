// SQLite's query planner without statistics guesses that an equality on any
// index's first column finds about ten rows. In a mailbox that guess is wrong
// in the way that hurts: `user_id = ?` or `folder_id = ?` can match a million
// rows, and the planner then prefers those indexes to the primary key
// (`id IN (…) AND user_id = ?`) or to the thread index (`thread_id = ? AND
// folder_id = ?`), scanning the whole mailbox for a 50-message change.
//
// So every database gets the statistics of a big mailbox from its first start
// (SQLite's documented way to fix plans: write sqlite_stat1 yourself, see
// https://sqlite.org/lang_analyze.html and "Manual Control Of Query Plans
// Using SQLITE_STAT Tables"), instead of ANALYZE's picture of whatever the
// file holds today: the same plans on an empty test database and at a
// million messages. The figures are ANALYZE's (analysis_limit 2000) on the
// read bench's seed: one user, 1,000,000 messages in 50,000 threads.
// A new index on these tables needs its row here (planner-stats.test.ts).
import type BetterSqlite3 from 'better-sqlite3';

/** index name -> "rows, then rows per distinct value of each leading column prefix" */
export const PLANNER_STATS: Readonly<Record<string, { table: string; stat: string }>> = {
  mail_messages_folder_id_created_at_id_idx: { table: 'mail_messages', stat: '1000000 2001 1 1' },
  mail_messages_folder_id_modseq_idx: { table: 'mail_messages', stat: '1000000 2001 1' },
  mail_messages_folder_id_uid_key: { table: 'mail_messages', stat: '1000000 2001 1' },
  // (folder_id, uid, then the eleven columns an IMAP listing reads): a folder, then one row per UID.
  mail_messages_imap_listing_idx: { table: 'mail_messages', stat: '1000000 2001 1 1 1 1 1 1 1 1 1 1 1' },
  // A Message-ID names one message (its copies at a few users, at most).
  mail_messages_message_id_user_id_idx: { table: 'mail_messages', stat: '1000000 1 1' },
  mail_messages_raw_sha256_idx: { table: 'mail_messages', stat: '1000000 2' },
  mail_messages_thread_id_created_at_idx: { table: 'mail_messages', stat: '1000000 21 1' },
  mail_messages_user_id_folder_id_is_read_idx: { table: 'mail_messages', stat: '1000000 2001 2001 2001' },
  mail_messages_user_id_in_reply_to_idx: { table: 'mail_messages', stat: '1000000 2001 2' },
  mail_threads_user_id_last_message_at_idx: { table: 'mail_threads', stat: '50000 2001 1' },
  sqlite_autoindex_thread_summaries_1: { table: 'thread_summaries', stat: '50000 2001 1' },
  thread_summaries_folder_id_last_message_at_thread_id_idx: { table: 'thread_summaries', stat: '50000 2001 1 1' },
  thread_summaries_thread_id_idx: { table: 'thread_summaries', stat: '50000 1' },
  attachments_message_id_idx: { table: 'attachments', stat: '200000 2' },
  attachments_sha256_idx: { table: 'attachments', stat: '200000 2' },
};

/** The tables whose statistics are fixed here; any other table is left to SQLite's defaults. */
export const PLANNED_TABLES = [...new Set(Object.values(PLANNER_STATS).map((s) => s.table))];

/**
 * Writes the fixed statistics (replacing what ANALYZE may have left for these
 * tables). Connections load sqlite_stat1 with the schema, so this runs before
 * the server's other connections first read it (at migration time).
 */
export function writePlannerStats(db: BetterSqlite3.Database): void {
  // Any ANALYZE creates sqlite_stat1; analysing the schema table alone is instant.
  db.exec('ANALYZE sqlite_schema');
  const indexes = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{ name: string }>).map((r) => r.name),
  );
  const forget = db.prepare('DELETE FROM sqlite_stat1 WHERE tbl = ?');
  const write = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const table of PLANNED_TABLES) forget.run(table);
    for (const [idx, { table, stat }] of Object.entries(PLANNER_STATS)) if (indexes.has(idx)) write.run(table, idx, stat);
  })();
  // This connection rereads them now; the others when they load the schema.
  db.exec('ANALYZE sqlite_schema');
}
