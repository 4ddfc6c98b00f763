// A raw SMTP client over net, for abuse cases a real client will not send.
import net from 'node:net';

export class SmtpLineClient {
  private buffer = '';
  private waiters: Array<(line: string) => void> = [];
  private readonly lines: string[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w('<closed>');
    });
    socket.on('error', () => undefined);
  }

  /** localAddress: e.g. 127.0.0.2, to look like a non-loopback-exempt client to rate limits. */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<SmtpLineClient> {
    const socket = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpLineClient(socket);
  }

  /** Reads one full (possibly multi-line) reply and returns its lines joined by \n. */
  async reply(timeoutMs = 60_000): Promise<string> {
    const out: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      out.push(line);
      if (line === '<closed>' || !/^\d{3}-/.test(line)) return out.join('\n');
    }
  }

  async command(cmd: string, timeoutMs = 60_000): Promise<string> {
    this.write(`${cmd}\r\n`);
    return this.reply(timeoutMs);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private line(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve('<closed>');
    return new Promise((resolve, reject) => {
      const waiter = (l: string) => {
        clearTimeout(timer);
        resolve(l);
      };
      // A reader that gave up must not swallow the line that comes later.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('SMTP reply timeout'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** DATA as a client sends it: lines starting with "." doubled (RFC 5321 4.5.2), a final CRLF, then the end mark. */
export function dataWithEndMark(raw: Buffer): Buffer {
  let text = raw.toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text.replace(/^\./, '..').replace(/\r\n\./g, '\r\n..')}.\r\n`, 'latin1');
}

/** One mail transaction on an open, greeted session; resolves with the reply to the end of DATA. */
export async function sendMail(client: SmtpLineClient, from: string, to: string, raw: Buffer, replyTimeoutMs = 60_000): Promise<string> {
  const mail = await client.command(`MAIL FROM:<${from}>`);
  if (!mail.startsWith('250')) return mail;
  const rcpt = await client.command(`RCPT TO:<${to}>`);
  if (!rcpt.startsWith('250')) return rcpt;
  const data = await client.command('DATA');
  if (!data.startsWith('354')) return data;
  client.write(dataWithEndMark(raw));
  return client.reply(replyTimeoutMs);
}
