// The yardstick for storage cost: a minimal durable SQLite store. The
// baseline's work (smtp-server + mailparser, every message parsed fully), then
// one row per message with its parsed fields and raw bytes, committed before
// the 250 on a SQLite file in WAL mode with synchronous=FULL, one transaction
// per message. No blob files, no threads, no accounts, no events.
//
// Run: node --import tsx scripts/bench/reference-store-server.ts
// Env: BASELINE_PORT (0 = any), REFERENCE_DB (the database file).
// Prints "reference ready <port>" when listening.
import Database from 'better-sqlite3';
import { serveBench } from './bench-smtp-server.js';

const db = new Database(process.env.REFERENCE_DB ?? 'reference.db');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, message_id TEXT, from_address TEXT, subject TEXT,
  body_text TEXT, body_html TEXT, raw BLOB NOT NULL, received_at INTEGER NOT NULL)`);
const insert = db.prepare(
  'INSERT INTO messages (message_id, from_address, subject, body_text, body_html, raw, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);

serveBench({
  name: 'reference',
  keepRaw: true,
  store(mail, raw) {
    const html = typeof mail.html === 'string' ? mail.html : null;
    const row = insert.run(mail.messageId ?? null, mail.from?.value[0]?.address ?? null, mail.subject ?? '', mail.text ?? '', html, raw, Date.now());
    return `Ok: stored as ${row.lastInsertRowid}`;
  },
  onStop: () => db.close(),
});
