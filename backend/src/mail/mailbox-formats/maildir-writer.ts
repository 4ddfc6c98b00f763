// Maildir export: tmp/, new/ and cur/, every message a file in cur/ named
// "<seconds>.M<micros>P<pid>Q<n>R<random>.<host>:2,<flags>" (flags in ASCII
// order: F starred, S read), written in tmp/ and renamed into place as the
// maildir convention asks, its mtime the time it arrived. The file holds the
// raw bytes unchanged (CRLF): Dovecot, mutt and Python read that as it is.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExportMessage, MailboxFlags } from './mailbox-message.js';

export async function createMaildir(dir: string): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur']) await fs.mkdir(path.join(dir, sub), { recursive: true });
}

export class MaildirWriter {
  private sequence = 0;
  private readonly host = maildirHost(os.hostname());
  private readonly unique = randomBytes(4).toString('hex');

  constructor(private readonly dir: string) {}

  /** Writes one message into cur/ and returns its file name. */
  async write(m: ExportMessage): Promise<string> {
    const base = this.baseName(m.receivedAt);
    const tmp = path.join(this.dir, 'tmp', base);
    const name = `${base}:2,${maildirFlags(m.flags)}`;
    await fs.writeFile(tmp, m.raw, { flag: 'wx' });
    const seconds = validTime(m.receivedAt) / 1000;
    await fs.utimes(tmp, seconds, seconds);
    await fs.rename(tmp, path.join(this.dir, 'cur', name));
    return name;
  }

  private baseName(receivedAt: Date): string {
    const ms = validTime(receivedAt);
    const seconds = Math.floor(ms / 1000);
    const micros = (ms % 1000) * 1000;
    return `${seconds}.M${micros}P${process.pid}Q${++this.sequence}R${this.unique}.${this.host}`;
  }
}

/** Creates the maildir and writes every message into it; returns how many. */
export async function writeMaildir(dir: string, messages: AsyncIterable<ExportMessage> | Iterable<ExportMessage>): Promise<number> {
  await createMaildir(dir);
  const writer = new MaildirWriter(dir);
  let n = 0;
  for await (const m of messages) {
    await writer.write(m);
    n++;
  }
  return n;
}

export function maildirFlags(flags: MailboxFlags): string {
  return `${flags.starred ? 'F' : ''}${flags.read ? 'S' : ''}`;
}

/** The host part of a unique name: "/" and ":" would break the name (maildir spec: \057, \072). */
function maildirHost(hostname: string): string {
  return (hostname || 'localhost').replace(/\//g, '\\057').replace(/:/g, '\\072');
}

const validTime = (d: Date) => (Number.isNaN(d.getTime()) || d.getTime() < 0 ? 0 : d.getTime());
