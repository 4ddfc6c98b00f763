// A real SMTP relay for the outbound tests: an smtp-server that records the
// envelope and the exact DATA bytes of each message, and answers as the test
// says (accept, 4xx, 5xx, or hang in DATA).
import net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RelayedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** the name the sender gave in EHLO/HELO */
  helo: string;
}

export type RelayBehavior = 'accept' | 'tempfail' | 'permfail' | 'hang';

export interface RelaySink {
  port: number;
  received: RelayedMessage[];
  /** how many DATA commands began (accepted or not) */
  dataStarts: number;
  /** decides the reply to each DATA, given how many DATA commands came before */
  behavior: (attempt: number) => RelayBehavior;
  /** recipients refused at RCPT: address -> reply code */
  rcptReplies: Map<string, number>;
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRelaySink(): Promise<RelaySink> {
  const sink: RelaySink = {
    port: 0,
    received: [],
    dataStarts: 0,
    behavior: () => 'accept',
    rcptReplies: new Map(),
    waitFor: (predicate, what, timeoutMs = 60_000) => waitFor(predicate, what, timeoutMs),
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      const code = sink.rcptReplies.get(address.address);
      if (!code) return callback();
      callback(Object.assign(new Error(code >= 500 ? 'No such user over there' : 'Try again later'), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const attempt = sink.dataStarts++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const behavior = sink.behavior(attempt);
        if (behavior === 'hang') return; // never answers: the sender is stuck in DATA
        if (behavior === 'tempfail') return callback(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 }));
        if (behavior === 'permfail') return callback(Object.assign(new Error('Message refused by policy'), { responseCode: 554 }));
        sink.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          helo: session.hostNameAppearsAs,
        });
        callback(null, 'Queued');
      });
    },
  });
  // A sender killed mid-DATA resets its connection; that is part of the test, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as net.AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when every CR is followed by LF and every LF preceded by CR. */
export function allCrlf(raw: Buffer): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0d && raw[i + 1] !== 0x0a) return false;
    if (raw[i] === 0x0a && raw[i - 1] !== 0x0d) return false;
  }
  return true;
}
