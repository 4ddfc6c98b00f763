// The thread-summaries migration on a database that already holds mail: the
// start-up backfill builds every summary and folder counter in batches, and
// one stopped part-way resumes where it left off without counting twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/storage/sqlite/migrate.js';
import { sqliteTime } from '../../src/storage/sqlite/sqlite-time.js';
import { backfillSummaries } from '../../src/storage/sqlite/summary-backfill.js';
import { sqlitePeek } from '../support/sql-peek.js';
import { expectSummariesMatch } from '../support/summary-oracle.js';

const MIGRATION = '20261208020000_thread_summaries';
let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-backfill-'));
  file = path.join(dir, 'chitbox.db');
  const before = path.join(dir, 'before');
  for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
    if (name < MIGRATION && fs.statSync(path.join(MIGRATIONS_DIR, name)).isDirectory()) {
      fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
    }
  }
  applyMigrations(file, before);
  seedOldMail(file);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Two users, 9 threads, 45 messages over Inbox and Archive, as the schema before summaries stored them. */
function seedOldMail(dbFile: string): void {
  const db = new Database(dbFile);
  const user = db.prepare("INSERT INTO users (email, password_hash, role, enabled, created_at) VALUES (?, 'x', 'user', 1, 0)");
  const folder = db.prepare('INSERT INTO folders (user_id, name, kind, created_at) VALUES (?, ?, ?, 0)');
  const thread = db.prepare('INSERT INTO mail_threads (user_id, subject, last_message_at, created_at) VALUES (?, ?, ?, ?)');
  const message = db.prepare(`INSERT INTO mail_messages (user_id, folder_id, thread_id, from_email, from_name, to_json, cc_json,
      subject, snippet, body_text, body_html, is_read, is_starred, has_attachments, sent_at, created_at, received_header, raw_sha256, size_bytes, uid)
    VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, '', '', ?, ?, ?, ?, ?, '', 'x', 1, ?)`);
  // UIDs are unique per folder (the IMAP migration numbered existing mail): one counter is enough here.
  let uid = 0;
  db.transaction(() => {
    for (const u of [1, 2]) {
      const userId = Number(user.run(`u${u}@here.test`).lastInsertRowid);
      const inbox = Number(folder.run(userId, 'Inbox', 'inbox').lastInsertRowid);
      const archive = Number(folder.run(userId, 'Archive', 'archive').lastInsertRowid);
      for (let t = 0; t < (u === 1 ? 6 : 3); t++) {
        const at = sqliteTime(new Date(Date.UTC(2026, 0, 1 + t)));
        const threadId = Number(thread.run(userId, t % 3 === 0 ? '' : `Thread ${t}`, at, at).lastInsertRowid);
        for (let m = 0; m < 4 + (t % 3); m++) {
          const when = sqliteTime(new Date(Date.UTC(2026, 0, 1 + t, m)));
          message.run(
            userId, m % 4 === 3 ? archive : inbox, threadId, `p${m % 3}@there.test`, `P${m % 3}`,
            JSON.stringify([{ address: `u${u}@here.test`, name: '' }]), `Subject ${t}.${m}`, `snippet ${t}.${m}`,
            m % 2, m === 1 ? 1 : 0, m === 2 ? 1 : 0, when, when, ++uid,
          );
        }
      }
    }
  })();
  db.close();
}

describe(MIGRATION, () => {
  it('builds summaries and counters for existing mail in batches, resuming after a stop part-way', async () => {
    expect(applyMigrations(file).applied[0]).toBe(MIGRATION); // then any later ones
    const db = new Database(file, { readonly: true });
    try {
      const state = () => db.prepare('SELECT next_id AS nextId, last_id AS lastId FROM backfill_state').get();
      expect(state()).toEqual({ nextId: 1, lastId: 9 });

      // Stopped after two batches of two threads: four threads done, the rest waits.
      expect(backfillSummaries(file, { busyTimeoutMs: 1000, batchThreads: 2, maxBatches: 2 })).toEqual({ threads: 4, batches: 2 });
      expect(state()).toEqual({ nextId: 5, lastId: 9 });
      expect(db.prepare('SELECT count(DISTINCT thread_id) FROM thread_summaries').pluck().get()).toBe(4);

      // The next start carries on from there and finishes.
      expect(backfillSummaries(file, { busyTimeoutMs: 1000, batchThreads: 2 })).toEqual({ threads: 5, batches: 3 });
      expect(state()).toBeUndefined();
      await expectSummariesMatch(sqlitePeek(db));
      expect(db.prepare('SELECT sum(total_count) FROM folders').pluck().get()).toBe(db.prepare('SELECT count(*) FROM mail_messages').pluck().get());

      // Done is done: a later start changes nothing.
      expect(backfillSummaries(file, { busyTimeoutMs: 1000 })).toEqual({ threads: 0, batches: 0 });
      await expectSummariesMatch(sqlitePeek(db));
    } finally {
      db.close();
    }
  });
});
