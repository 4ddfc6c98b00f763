// The search entries of new mail, indexed in batches behind the deliveries,
// on a real, migrated SQLite file: a rollback leaves nothing, a message
// deleted first is not indexed, and what a crash leaves waiting becomes a
// leftover for the backfill (test/http/search-leftovers.test.ts).
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertMessageCopies, type NewMessageCopy } from '../../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { SEARCH_BATCH_ENTRIES, SearchIndexQueue } from '../../../src/storage/sqlite/ingest-worker/search-index-queue.js';
import { inboxCopy, openSqliteMailbox, removeSqliteMailbox, type SqliteMailbox } from '../../support/sqlite-mailbox.js';

let box: SqliteMailbox;
let db: Database.Database;

beforeEach(() => {
  box = openSqliteMailbox();
  db = box.db;
});

afterEach(() => {
  box.db = db;
  removeSqliteMailbox(box);
});

const copy = (subject: string): NewMessageCopy => inboxCopy(box, subject, { bodyText: 'plain body', snippet: 'plain body', receivedHeader: '', sizeBytes: 100 });

const text = (subject: string) => ({ subject, sender: 'alice alice remote test', recipients: 'bob example test', body: 'plain body', attachments: '' });

/** Delivers copies in one transaction, as the ingest thread does; returns their ids. */
function deliver(queue: SearchIndexQueue, subjects: string[], opts: { fail?: boolean } = {}): number[] {
  return queue.inTransaction(() => {
    const ids = subjects.map((s) => {
      const [stored] = insertMessageCopies(db, [copy(s)]);
      queue.add([stored!.id], text(s));
      return stored!.id;
    });
    if (opts.fail) throw new Error('the commit fails after the inserts');
    return ids;
  });
}

const indexed = (word: string) =>
  (db.prepare('SELECT rowid AS id FROM message_search WHERE message_search MATCH ?').all(`"${word}"`) as Array<{ id: number }>).map((r) => r.id);
const named = () => (db.prepare('SELECT message_id AS id FROM search_pending ORDER BY message_id').all() as Array<{ id: number }>).map((r) => r.id);

describe('SearchIndexQueue', () => {
  it('names a delivered copy in search_pending, and indexes it in the next batch', () => {
    const queue = new SearchIndexQueue(db);
    const [id] = deliver(queue, ['waiting']);
    expect(indexed('waiting')).toEqual([]);
    expect(named()).toEqual([id]);
    queue.flush();
    expect(indexed('waiting')).toEqual([id]);
    expect(named()).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('keeps nothing of a delivery whose transaction rolled back', () => {
    const queue = new SearchIndexQueue(db);
    expect(() => deliver(queue, ['doomed'], { fail: true })).toThrow('the commit fails');
    expect(queue.size).toBe(0);
    expect(named()).toEqual([]);
    queue.flush();
    expect(indexed('doomed')).toEqual([]);
  });

  it('keeps waiting entries when their batch cannot be written', () => {
    const queue = new SearchIndexQueue(db);
    const [first] = deliver(queue, ['earlier']);
    // Another writer holds the lock, and this connection does not wait for it.
    const other = new Database(box.file);
    other.prepare('BEGIN IMMEDIATE').run();
    db.pragma('busy_timeout = 0');
    expect(() => queue.flush()).toThrow(/locked|busy/i);
    other.prepare('ROLLBACK').run();
    other.close();
    expect(indexed('earlier')).toEqual([]);
    queue.flush();
    expect(indexed('earlier')).toEqual([first]);
  });

  it('is full at SEARCH_BATCH_ENTRIES waiting entries, and a flush writes them all', () => {
    const queue = new SearchIndexQueue(db);
    const subjects = Array.from({ length: SEARCH_BATCH_ENTRIES }, (_, i) => `bulk${i}`);
    deliver(queue, subjects.slice(0, -1));
    expect(queue.full).toBe(false);
    const [last] = deliver(queue, subjects.slice(-1));
    expect(queue.full).toBe(true);
    queue.flush();
    expect(indexed(`bulk${SEARCH_BATCH_ENTRIES - 1}`)).toEqual([last]);
    expect(indexed('bulk0')).toHaveLength(1);
    expect(named()).toEqual([]);
    expect(queue.full).toBe(false);
  });

  it('does not index a message deleted before its batch', () => {
    const queue = new SearchIndexQueue(db);
    const [id] = deliver(queue, ['fleeting']);
    db.prepare('DELETE FROM mail_messages WHERE id = ?').run(id);
    queue.flush();
    expect(indexed('fleeting')).toEqual([]);
    expect(named()).toEqual([]);
  });

  it('takes an indexed message out with its row (the trigger)', () => {
    const queue = new SearchIndexQueue(db);
    const [id] = deliver(queue, ['vanishing']);
    queue.flush();
    expect(indexed('vanishing')).toEqual([id]);
    db.prepare('DELETE FROM mail_messages WHERE id = ?').run(id);
    expect(indexed('vanishing')).toEqual([]);
  });

  it('at start, makes the names an earlier process left leftovers, and only those', () => {
    const lost = new SearchIndexQueue(db);
    const [kept, gone] = deliver(lost, ['survivor', 'casualty']);
    db.prepare('DELETE FROM mail_messages WHERE id = ?').run(gone);
    // The thread died here; a new one starts on the same file.
    db.close();
    db = new Database(box.file);
    const queue = new SearchIndexQueue(db);
    expect(queue.markLeftovers()).toBe(1);
    const [fresh] = deliver(queue, ['newcomer']);
    expect(db.prepare('SELECT message_id AS id, leftover FROM search_pending ORDER BY message_id').all()).toEqual([
      { id: kept, leftover: 1 }, { id: fresh, leftover: 0 },
    ]);
    queue.flush();
    expect(indexed('newcomer')).toEqual([fresh]);
    // The backfill's (search-index-repo.ts), not this queue's.
    expect(indexed('survivor')).toEqual([]);
    expect(named()).toEqual([kept]);
  });
});
