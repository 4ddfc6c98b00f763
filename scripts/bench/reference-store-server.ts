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
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const MAX_MESSAGE_BYTES = 30 * 1024 * 1024;

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

let storedCount = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  size: MAX_MESSAGE_BYTES,
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    simpleParser(stream)
      .then((mail) => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        const html = typeof mail.html === 'string' ? mail.html : null;
        const row = insert.run(mail.messageId ?? null, mail.from?.value[0]?.address ?? null, mail.subject ?? '', mail.text ?? '', html, Buffer.concat(chunks), Date.now());
        storedCount += 1;
        callback(null, `Ok: stored as ${row.lastInsertRowid}`);
      })
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  },
});

server.on('error', (error) => console.error(`reference: ${error.message}`));

const port = Number(process.env.BASELINE_PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.server.address();
  const boundPort = address && typeof address === 'object' ? address.port : port;
  console.log(`reference ready ${boundPort}`);
});

function stop(): void {
  console.log(`reference stored ${storedCount} messages`);
  server.close(() => {
    db.close();
    process.exit(0);
  });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
