// New mail's search index entries, written in batches behind the deliveries.
// FTS5 writes a new segment of its index at every commit that touched it, and
// merges the segments as they pile up: indexing each group commit's nine or so
// messages cost the ingest thread more than the rest of their rows. Here a
// delivery only names its copies in search_pending (one small row each, in
// its own transaction); their entries wait in memory and are indexed a few
// hundred at a time, in a transaction of their own (an entry that cannot be
// written never fails a delivery): when enough wait, when the main thread asks
// (before any search, and a moment after the last delivery), and when the
// thread closes.
// After a crash, the names left in search_pending become leftovers at the
// next start, which the core's search backfill indexes from the stored rows
// (search-index-repo.ts): no committed message stays out of the index.
import type BetterSqlite3 from 'better-sqlite3';
import type { SearchText } from '../../mail-store.js';
import { preparedOn } from '../prepared.js';

type Sqlite = BetterSqlite3.Database;

/** Past this many waiting entries, or characters of them, they are written after the next delivery. */
export const SEARCH_BATCH_ENTRIES = 512;
export const SEARCH_BATCH_CHARS = 8 * 1024 * 1024;

export const SEARCH_QUEUE_SQL = {
  name: `INSERT INTO search_pending (message_id) VALUES (?)`,
  unname: `DELETE FROM search_pending WHERE message_id = ?`,
  // A message deleted before its batch is not indexed (the delete trigger found nothing to take out).
  index: `INSERT INTO message_search (rowid, subject, sender, recipients, body, attachments)
    SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM mail_messages WHERE id = ?)`,
  markLeftovers: `UPDATE search_pending SET leftover = 1 WHERE leftover = 0`,
} as const;

const statements = preparedOn(SEARCH_QUEUE_SQL);

export class SearchIndexQueue {
  /** committed copies whose entries are not indexed yet */
  private waiting = new Map<number, SearchText>();
  private waitingChars = 0;
  /** added by the delivery transaction in progress; dropped if it rolls back */
  private staged: Array<[number, SearchText]> = [];

  constructor(private readonly db: Sqlite) {}

  get size(): number {
    return this.waiting.size + this.staged.length;
  }

  /** Inside a delivery's transaction: its copies (one text for all) wait for the next batch. */
  add(ids: readonly number[], text: SearchText): void {
    const st = statements(this.db);
    for (const id of ids) {
      st.name.run(id);
      this.staged.push([id, text]);
    }
  }

  /** Enough entries wait for a batch: the thread writes it after the delivery's commit. */
  get full(): boolean {
    return this.waiting.size >= SEARCH_BATCH_ENTRIES || this.waitingChars >= SEARCH_BATCH_CHARS;
  }

  /** Its own transaction: indexes every waiting entry now. If it fails, they keep waiting. */
  flush(): void {
    if (this.waiting.size === 0) return;
    const st = statements(this.db);
    this.db.transaction(() => {
      for (const [id, t] of this.waiting) {
        st.index.run(id, t.subject, t.sender, t.recipients, t.body, t.attachments, id);
        st.unname.run(id);
      }
    }).immediate();
    this.waiting.clear();
    this.waitingChars = 0;
  }

  /** Runs a delivery's transaction: what it add()s waits once it commits, and is forgotten if it rolls back. */
  inTransaction<T>(fn: () => T): T {
    let out: T;
    try {
      out = this.db.transaction(fn).immediate();
    } catch (err) {
      this.staged = [];
      throw err;
    }
    for (const [id, text] of this.staged) {
      this.waiting.set(id, text);
      this.waitingChars += text.subject.length + text.sender.length + text.recipients.length + text.body.length + text.attachments.length;
    }
    this.staged = [];
    return out;
  }

  /**
   * At start, before any delivery: names whose entries died with an earlier
   * process become leftovers, for the search backfill. Returns how many.
   */
  markLeftovers(): number {
    return statements(this.db).markLeftovers.run().changes;
  }
}
