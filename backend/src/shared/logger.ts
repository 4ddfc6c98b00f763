// Structured logs: JSON in production, readable lines in development. Never log
// a password, a token or a message body: the redact list is the safety net.
// Every HTTP line carries reqId (http/request-context.ts) and every SMTP line
// sessionId.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: {
  level: string;
  pretty: boolean;
  /** 1 stdout (default), 2 stderr */
  destination?: 1 | 2;
  /** JSON lines go here instead of to a file descriptor: a CLI command run inside a test's process collects them */
  sink?: { write(line: string): unknown };
}): Logger {
  const options = {
    level: opts.level,
    redact: {
      paths: [
        'password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token', 'secret', '*.secret',
        'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  if (opts.pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', destination: opts.destination ?? 1 },
      },
    });
  }
  return pino(options, opts.sink ?? pino.destination({ fd: opts.destination ?? 1, sync: true }));
}
