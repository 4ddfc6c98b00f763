// A deliberately plain SMTP client over a raw socket: one command, one reply,
// no PIPELINING, so the bench measures the servers and not client tricks.
// nodemailer is not used because it opens its own connections and hides codes.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BENCH_RECIPIENT, BENCH_SENDER, type WireMessage } from './bench-messages.js';

export interface SmtpReply {
  code: number;
  /** The whole reply, code included, continuation lines joined with " | ". */
  text: string;
}

export interface DeliveryResult {
  ok: boolean;
  /** The reply that ended the transaction: 250 after "." when ok. */
  reply: SmtpReply;
  /** Which step gave that reply: MAIL, RCPT, DATA, "." or connection. */
  stage: string;
  /** performance.now() when the final reply was read. */
  repliedAt: number;
}

export class SmtpConnection {
  private buffered = '';
  private replyLines: string[] = [];
  private waiter: { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void } | null = null;
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly replyTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const onClosed = (error?: Error) => {
      this.closedError ??= error ?? new Error('connection closed by server');
      this.waiter?.reject(this.closedError);
      this.waiter = null;
    };
    socket.on('error', onClosed);
    socket.on('close', () => onClosed());
  }

  /** Connects, reads the greeting and says EHLO. */
  static async open(port: number, replyTimeoutMs: number): Promise<SmtpConnection> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connection = new SmtpConnection(socket, replyTimeoutMs);
    const greeting = await connection.nextReply();
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
    const ehlo = await connection.command('EHLO bench.client.test');
    if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code} ${ehlo.text}`);
    return connection;
  }

  get isOpen(): boolean {
    return this.closedError === null;
  }

  /** One transaction; a refusal is a result, not an exception, so it can be counted. */
  async deliver(message: WireMessage): Promise<DeliveryResult> {
    const steps: Array<[stage: string, line: string, expected: number]> = [
      ['MAIL', `MAIL FROM:<${BENCH_SENDER}>`, 250],
      ['RCPT', `RCPT TO:<${BENCH_RECIPIENT}>`, 250],
      ['DATA', 'DATA', 354],
    ];
    for (const [stage, line, expected] of steps) {
      const reply = await this.command(line);
      if (reply.code !== expected) {
        // RSET so the next transaction on this connection starts clean.
        if (this.isOpen) await this.command('RSET');
        return { ok: false, reply, stage, repliedAt: performance.now() };
      }
    }
    this.socket.write(message.wireBytes);
    const reply = await this.command('.');
    return { ok: reply.code === 250, reply, stage: '.', repliedAt: performance.now() };
  }

  async quit(): Promise<void> {
    if (this.isOpen) {
      await this.command('QUIT').catch(() => undefined);
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.nextReply();
  }

  private nextReply(): Promise<SmtpReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const error = new Error(`no reply within ${this.replyTimeoutMs} ms`);
        this.closedError = error;
        this.socket.destroy();
        reject(error);
      }, this.replyTimeoutMs);
      this.waiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.drainLines();
    });
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    this.drainLines();
  }

  // RFC 5321 4.2.1: "250-" continues a reply, "250 " ends it.
  private drainLines(): void {
    for (;;) {
      if (!this.waiter) return;
      const end = this.buffered.indexOf('\r\n');
      if (end < 0) return;
      const line = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      this.replyLines.push(line);
      if (line.charAt(3) === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.replyLines.join(' | ') };
      this.replyLines = [];
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(reply);
    }
  }
}
