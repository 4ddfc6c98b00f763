// Real clients for the IMAP tests: Python's imaplib (imaplib-driver.py), a
// line client over net for IDLE and exact replies, and SMTP delivery.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import nodemailer from 'nodemailer';

const DRIVER = path.join(import.meta.dirname, 'imaplib-driver.py');

/** One imaplib step: a method of imaplib.IMAP4 and its arguments (Buffers go as bytes). */
export type Step = [string, ...unknown[]];
/** [typ, data] per step, after ['capabilities', [...]]; bytes decoded to Buffers. */
export type StepResult = [string, any];

export async function imaplib(port: number, steps: Step[]): Promise<any> {
  const job = JSON.stringify({ host: '127.0.0.1', port, steps }, (_k, v: unknown) => {
    const b = v as { type?: string; data?: number[] };
    return b && b.type === 'Buffer' && Array.isArray(b.data) ? { b64: Buffer.from(b.data).toString('base64') } : v;
  });
  const child = spawn('python3', [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.end(job);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`imaplib driver exited ${code}: ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString(), (_k, v: unknown) =>
    v && typeof v === 'object' && 'b64' in v ? Buffer.from((v as { b64: string }).b64, 'base64') : v,
  ) as StepResult[];
}

/** The text of an imaplib data item (a Buffer or a [head, literal] pair's head). */
export const text = (item: unknown): string =>
  Buffer.isBuffer(item) ? item.toString('latin1') : Array.isArray(item) ? text(item[0]) : String(item);

/** A raw IMAP connection: send tagged commands, wait for lines. */
export class ImapLineClient {
  private buffer = '';
  readonly lines: string[] = [];
  /** performance.now() when each line arrived (the bench times IDLE with it) */
  readonly times: number[] = [];
  private waiters: Array<() => void> = [];
  private tag = 0;

  private socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, i));
        this.times.push(performance.now());
        this.buffer = this.buffer.slice(i + 2);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => this.waiters.splice(0).forEach((w) => w()));
    socket.on('error', () => undefined);
  }

  /** localAddress: e.g. 127.0.0.2, a client that is not loopback to the AUTH rules. */
  static async connect(port: number, localAddress?: string): Promise<ImapLineClient> {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new ImapLineClient(socket);
    await client.waitFor((l) => l.startsWith('* OK'));
    return client;
  }

  /** Resolves with the first line (from `from` on) that matches; lines are kept. */
  async waitFor(match: (line: string) => boolean, from = 0): Promise<string> {
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.closed) throw new Error(`connection closed; lines:\n${this.lines.join('\n')}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends a tagged command and resolves with its lines once the tagged reply came. */
  async command(line: string): Promise<string[]> {
    const tag = `t${++this.tag}`;
    const from = this.lines.length;
    this.socket.write(`${tag} ${line}\r\n`);
    await this.waitFor((l) => l.startsWith(`${tag} `), from);
    return this.lines.slice(from);
  }

  /** STARTTLS, then TLS on the same connection; resolves with the server certificate's fingerprint. */
  async starttls(): Promise<string> {
    const reply = await this.command('STARTTLS');
    if (!/^t\d+ OK/.test(reply.at(-1)!)) throw new Error(`STARTTLS refused: ${reply.join('\n')}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure.getPeerCertificate().fingerprint256;
  }

  /** Bytes as they are, for what a tagged command cannot express (LITERAL+). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.readyState === 'closed';
  }

  /** Starts IDLE and resolves once the server's continuation came. */
  async idle(): Promise<number> {
    const from = this.lines.length;
    this.socket.write(`idle${++this.tag} IDLE\r\n`);
    await this.waitFor((l) => l.startsWith('+'), from);
    return this.lines.length;
  }

  async done(): Promise<void> {
    const from = this.lines.length;
    this.socket.write('DONE\r\n');
    await this.waitFor((l) => l.startsWith('idle'), from);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends a message over real SMTP; resolves once the server answered 250. */
export async function deliver(smtpPort: number, to: string, subject: string, text = 'hello'): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'alice@remote.test', to, subject, text });
  } finally {
    transport.close();
  }
}

/** Sends exact bytes over SMTP (nodemailer's raw mode). */
export async function deliverRaw(smtpPort: number, to: string, raw: Buffer): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from: 'alice@remote.test', to: [to] }, raw });
  } finally {
    transport.close();
  }
}
