// insertMessageCopies on a real, migrated SQLite file: a copy that asks for a
// message.received webhook gets its outbox row in the same transaction, so
// the row exists exactly when the message does (a transactional outbox).
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertMessageCopies, insertStatuses, type NewMessageCopy } from '../../../src/storage/sqlite/ingest-worker/delivery-sql.js';
import { inboxCopy, openSqliteMailbox, removeSqliteMailbox, type SqliteMailbox } from '../../support/sqlite-mailbox.js';

let box: SqliteMailbox;
let db: Database.Database;
let userId: number;
let inboxId: number;

beforeEach(() => {
  box = openSqliteMailbox();
  ({ db, userId, inboxId } = box);
});

afterEach(() => removeSqliteMailbox(box));

const copy = (subject: string, queueWebhook: boolean): NewMessageCopy => inboxCopy(box, subject, { queueWebhook });

const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('insertMessageCopies and the webhook outbox', () => {
  it('writes the message.received row with the message, naming its id and thread, without its body', () => {
    const [stored] = db.transaction(() => insertMessageCopies(db, [copy('hello', true)]))();
    const rows = db.prepare(`SELECT event, payload, status, attempts FROM webhook_outbox`).all() as Array<{ event: string; payload: string; status: string; attempts: number }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: 'message.received', status: 'pending', attempts: 0 });
    const body = JSON.parse(rows[0]!.payload);
    expect(body).toMatchObject({
      event: 'message.received',
      timestamp: '2026-11-22T10:00:00.000Z',
      data: { id: stored!.id, user_id: userId, folder_id: inboxId, thread_id: stored!.threadId, from: 'alice@remote.test', subject: 'hello', size_bytes: 1234, has_attachments: false },
    });
    expect(rows[0]!.payload).not.toContain('secret body');
  });

  it('writes no row for a copy that does not ask for one', () => {
    db.transaction(() => insertMessageCopies(db, [copy('quiet', false)]))();
    expect(count('mail_messages')).toBe(1);
    expect(count('webhook_outbox')).toBe(0);
  });

  it('leaves neither the message nor its outbox row when the transaction fails', () => {
    expect(() =>
      db.transaction(() => {
        insertMessageCopies(db, [copy('doomed', true)]);
        throw new Error('the commit fails after the inserts');
      })(),
    ).toThrow('the commit fails');
    expect(count('mail_messages')).toBe(0);
    expect(count('webhook_outbox')).toBe(0);
  });
});

describe('insertStatuses (first delivery statuses, on the ingest worker)', () => {
  it('keeps a status already there and writes times as Prisma reads them', () => {
    const [sent] = db.transaction(() => insertMessageCopies(db, [copy('sent', false)]))();
    const at = new Date('2026-11-22T10:00:00.123Z');
    const row = { messageId: sent!.id, userId, recipient: 'carol@example.test', name: 'Carol', status: 'delivered' as const, at, reason: null };
    db.transaction(() => insertStatuses(db, [row, { ...row, recipient: 'far@remote.test', name: '', status: 'queued' }]))();
    db.transaction(() => insertStatuses(db, [{ ...row, status: 'queued', name: 'Someone else' }]))();
    expect(db.prepare(`SELECT recipient, name, status, at, reason FROM delivery_statuses ORDER BY id`).all()).toEqual([
      { recipient: 'carol@example.test', name: 'Carol', status: 'delivered', at: '2026-11-22T10:00:00.123+00:00', reason: null },
      { recipient: 'far@remote.test', name: '', status: 'queued', at: '2026-11-22T10:00:00.123+00:00', reason: null },
    ]);
  });
});
