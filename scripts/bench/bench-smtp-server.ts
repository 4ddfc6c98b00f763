// The skeleton the bench's two comparison servers share: smtp-server without
// AUTH or TLS, every message parsed fully by mailparser and then handed to
// `store`. Prints "<name> ready <port>" when listening (BASELINE_PORT, 0 =
// any) and stops on SIGTERM / SIGINT.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const MAX_MESSAGE_BYTES = 30 * 1024 * 1024;
const NO_BYTES = Buffer.alloc(0);

export interface BenchServerOptions {
  name: string;
  /** Collect the DATA bytes for `store` (the yardstick keeps them; the baseline does not). */
  keepRaw: boolean;
  /** Does whatever the server does with a message; returns the 250 text, or undefined for the default. */
  store: (mail: ParsedMail, raw: Buffer) => string | undefined;
  onStop?: () => void;
}

export function serveBench(options: BenchServerOptions): void {
  let handled = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    // Leave the library's own early-talker wait as it is; ChitBox gets the same.
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      if (options.keepRaw) stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      simpleParser(stream)
        .then((mail) => {
          // smtp-server sets this when the client sent more than `size` bytes.
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
            return;
          }
          const reply = options.store(mail, options.keepRaw ? Buffer.concat(chunks) : NO_BYTES);
          handled += 1;
          callback(null, reply);
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });

  // Client resets and the like; the bench counts failures from the client side.
  server.on('error', (error) => console.error(`${options.name}: ${error.message}`));

  const port = Number(process.env.BASELINE_PORT ?? 0);
  server.listen(port, '127.0.0.1', () => {
    const address = server.server.address();
    const boundPort = address && typeof address === 'object' ? address.port : port;
    console.log(`${options.name} ready ${boundPort}`);
  });

  const stop = () => {
    console.log(`${options.name} handled ${handled} messages`);
    server.close(() => {
      options.onStop?.();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
