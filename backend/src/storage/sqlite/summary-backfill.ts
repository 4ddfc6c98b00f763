// Builds the thread summaries and folder counters of mail stored before they
// existed. The migration that added them leaves a row in backfill_state (the
// thread ids to cover); this runs at every start until that row is gone, a
// batch of threads per short transaction, so the write lock is never held for
// long and a stop part-way resumes where it left off. A summary already
// written by a delivery meanwhile is recounted, its counters moved by the
// difference, so nothing is counted twice.
import Database from 'better-sqlite3';
import { summaryRefresh } from './summary-sql.js';

const JOB = 'thread_summaries';

export interface BackfillResult {
  threads: number;
  batches: number;
}

export interface BackfillOptions {
  busyTimeoutMs: number;
  batchThreads?: number;
  /** stop after this many batches (what a stop part-way leaves; tests) */
  maxBatches?: number;
}

export function backfillSummaries(dbFile: string, opts: BackfillOptions): BackfillResult {
  const batchThreads = opts.batchThreads ?? 500;
  const maxBatches = opts.maxBatches ?? Infinity;
  const db = new Database(dbFile, { timeout: opts.busyTimeoutMs });
  try {
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const state = db.prepare('SELECT next_id AS nextId, last_id AS lastId FROM backfill_state WHERE name = ?');
    const threads = db.prepare('SELECT id FROM mail_threads WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?').pluck();
    const folders = db.prepare('SELECT DISTINCT folder_id FROM mail_messages WHERE thread_id = ?').pluck();
    const advance = db.prepare('UPDATE backfill_state SET next_id = ? WHERE name = ?');
    const finish = db.prepare('DELETE FROM backfill_state WHERE name = ?');
    const result: BackfillResult = { threads: 0, batches: 0 };
    const batch = db.transaction((): boolean => {
      const s = state.get(JOB) as { nextId: number; lastId: number } | undefined;
      if (!s) return false;
      const ids = threads.all(s.nextId, s.lastId, batchThreads) as number[];
      if (ids.length === 0) {
        finish.run(JOB);
        return false;
      }
      summaryRefresh(db, ids.flatMap((threadId) => (folders.all(threadId) as number[]).map((folderId) => ({ threadId, folderId }))));
      advance.run(ids[ids.length - 1]! + 1, JOB);
      result.threads += ids.length;
      result.batches++;
      return true;
    });
    // one transaction per batch: other connections take the lock in between
    while (result.batches < maxBatches && batch.immediate());
    return result;
  } finally {
    db.close();
  }
}
