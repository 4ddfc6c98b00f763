// The baseline ChitBox is measured against: the least a Node mail server can do
// and still take mail seriously. It parses every message fully with the same
// parser ChitBox uses, throws the result away and replies 250. No storage, no
// auth, no recipient checks.
//
// Run: node --import tsx scripts/bench/baseline-server.ts
// Env: BASELINE_PORT (0 = any). Prints "baseline ready <port>" when listening.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const MAX_MESSAGE_BYTES = 30 * 1024 * 1024;

let parsedCount = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  size: MAX_MESSAGE_BYTES,
  logger: false,
  // Leave the library's own early-talker wait as it is; ChitBox gets the same.
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then(() => {
        // smtp-server sets this when the client sent more than `size` bytes.
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        parsedCount += 1;
        callback();
      })
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  },
});

server.on('error', (error) => {
  // Client resets and the like; the bench counts failures from the client side.
  console.error(`baseline: ${error.message}`);
});

const port = Number(process.env.BASELINE_PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.server.address();
  const boundPort = address && typeof address === 'object' ? address.port : port;
  console.log(`baseline ready ${boundPort}`);
});

function stop(): void {
  console.log(`baseline parsed ${parsedCount} messages`);
  server.close(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
