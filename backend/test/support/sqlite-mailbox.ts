// A freshly migrated SQLite file with one user and her Inbox, for tests of
// the ingest thread's statements, and a copy of a message to insert there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { NewMessageCopy } from '../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { applyMigrations } from '../../src/storage/sqlite/migrate.js';

export interface SqliteMailbox {
  dir: string;
  file: string;
  db: Database.Database;
  userId: number;
  inboxId: number;
}

export function openSqliteMailbox(): SqliteMailbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-store-'));
  const file = path.join(dir, 'chitbox.db');
  applyMigrations(file);
  const db = new Database(file);
  const userId = Number(db.prepare(`INSERT INTO users (email, password_hash) VALUES ('bob@example.test', 'x')`).run().lastInsertRowid);
  const inboxId = Number(db.prepare(`INSERT INTO folders (user_id, name, kind) VALUES (?, 'Inbox', 'inbox')`).run(userId).lastInsertRowid);
  return { dir, file, db, userId, inboxId };
}

export function removeSqliteMailbox(box: SqliteMailbox): void {
  box.db.close();
  fs.rmSync(box.dir, { recursive: true, force: true });
}

/** A copy for the mailbox's Inbox; the rest as given. */
export function inboxCopy(box: Pick<SqliteMailbox, 'userId' | 'inboxId'>, subject: string, fields: Partial<NewMessageCopy> = {}): NewMessageCopy {
  const at = new Date('2026-11-22T10:00:00Z');
  return {
    userId: box.userId, folderId: box.inboxId, messageId: `${subject}@remote.test`, inReplyTo: null, references: [],
    fromEmail: 'alice@remote.test', fromName: 'Alice', to: [{ address: 'bob@example.test', name: '' }], cc: [],
    subject, snippet: 'secret body', bodyText: 'secret body', untrustedHtml: '', isRead: false, sentAt: at, createdAt: at,
    receivedHeader: 'Received: from test', rawSha256: 'a'.repeat(64), sizeBytes: 1234, quotaBytes: null,
    mailbox: 'bob@example.test', queueWebhook: false, attachments: [],
    ...fields,
  };
}
