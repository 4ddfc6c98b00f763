// Load over N parallel SMTP sessions, each reused for many messages: the shape
// of a busy relay handing mail over, and the only fair shape with smtp-server's
// 100 ms pre-greeting wait (a connection per message would measure that wait).
import { performance } from 'node:perf_hooks';
import type { WireMessage } from './bench-messages.js';
import { SmtpConnection } from './smtp-connection.js';

export interface LoadFailure {
  subject: string;
  stage: string;
  reply: string;
}

export interface LoadResult {
  client: string;
  sent: number;
  accepted: number;
  failures: LoadFailure[];
  seconds: number;
}

export interface LoadOptions {
  port: number;
  sessions: number;
  replyTimeoutMs: number;
  /** Sent first and not timed, so both servers are past JIT warm-up when the clock starts. */
  warmup: WireMessage[];
  timed: WireMessage[];
  /** called after the warm-up, just before the clock starts */
  beforeTimed?: () => Promise<void>;
}

// A session whose connection dies gets a new one, but only this many times.
const MAX_RECONNECTS_PER_SESSION = 3;

export async function runNodeLoad(options: LoadOptions): Promise<LoadResult> {
  const connections = await Promise.all(
    Array.from({ length: options.sessions }, () => SmtpConnection.open(options.port, options.replyTimeoutMs)),
  );
  try {
    await sendAll(connections, options, options.warmup, []);
    await options.beforeTimed?.();
    const failures: LoadFailure[] = [];
    const started = performance.now();
    await sendAll(connections, options, options.timed, failures);
    const seconds = (performance.now() - started) / 1000;
    return {
      client: `node net client, ${options.sessions} sessions, connections reused, no pipelining`,
      sent: options.timed.length,
      accepted: options.timed.length - failures.length,
      failures,
      seconds,
    };
  } finally {
    await Promise.all(connections.map((connection) => connection.quit()));
  }
}

async function sendAll(
  connections: SmtpConnection[],
  options: LoadOptions,
  messages: WireMessage[],
  failures: LoadFailure[],
): Promise<void> {
  let next = 0;
  await Promise.all(
    connections.map(async (_, slot) => {
      let reconnects = 0;
      while (next < messages.length) {
        const message = messages[next++];
        if (!message) break;
        let connection = connections[slot];
        if (!connection?.isOpen) {
          if (reconnects >= MAX_RECONNECTS_PER_SESSION) {
            failures.push({ subject: message.subject, stage: 'connect', reply: 'session gave up reconnecting' });
            continue;
          }
          reconnects += 1;
          connection?.destroy();
          try {
            connection = await SmtpConnection.open(options.port, options.replyTimeoutMs);
            connections[slot] = connection;
          } catch (error) {
            failures.push({ subject: message.subject, stage: 'connect', reply: String(error) });
            continue;
          }
        }
        try {
          const result = await connection.deliver(message);
          if (!result.ok) {
            failures.push({
              subject: message.subject,
              stage: result.stage,
              reply: result.reply.text,
            });
          }
        } catch (error) {
          failures.push({ subject: message.subject, stage: 'connection', reply: String(error) });
        }
      }
    }),
  );
}
