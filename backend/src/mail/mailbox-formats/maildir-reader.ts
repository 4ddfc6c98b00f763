// Maildir import: the files of cur/ and new/ (tmp/ holds unfinished
// deliveries and is left alone), oldest first by the time in their names.
// Flags from the name's ":2," part: S read, F starred, T deleted; mail in new/
// is unread. Files come out CRLF; an entry that cannot be read is reported,
// not fatal.
import fs from 'node:fs/promises';
import path from 'node:path';
import { toCrlf } from '../line-endings.js';
import type { MailboxEntry } from './mailbox-message.js';

export interface MaildirReadOptions {
  /** bigger files are skipped and reported (default 100 MiB) */
  maxMessageBytes?: number;
}

export async function* readMaildir(dir: string, opts: MaildirReadOptions = {}): AsyncGenerator<MailboxEntry> {
  const maxBytes = opts.maxMessageBytes ?? 100 * 1024 * 1024;
  const files: Array<{ sub: 'cur' | 'new'; name: string }> = [];
  let found = 0;
  for (const sub of ['cur', 'new'] as const) {
    const names = await fs.readdir(path.join(dir, sub)).catch(() => null);
    if (names === null) continue;
    found++;
    for (const name of names) if (!name.startsWith('.')) files.push({ sub, name });
  }
  if (found === 0) {
    yield problem({ code: 'not_a_maildir', file: '.', message: `${dir} has neither cur/ nor new/: not a maildir` });
    return;
  }
  files.sort((a, b) => deliveredAt(a.name) - deliveredAt(b.name) || a.name.localeCompare(b.name, 'en', { numeric: true }));

  for (const { sub, name } of files) {
    const file = `${sub}/${name}`;
    const full = path.join(dir, sub, name);
    let raw: Buffer;
    try {
      const stat = await fs.stat(full);
      if (!stat.isFile()) {
        yield problem({ code: 'not_a_file', file, message: `${file} is not a file` });
        continue;
      }
      if (stat.size > maxBytes) {
        yield problem({ code: 'message_too_large', file, message: `${file} has more than ${maxBytes} bytes` });
        continue;
      }
      raw = await fs.readFile(full);
    } catch (err) {
      yield problem({ code: 'unreadable_file', file, message: `${file}: ${(err as Error).message}` });
      continue;
    }
    if (raw.length === 0) {
      yield problem({ code: 'empty_message', file, message: `${file} is empty` });
      continue;
    }
    const flags = sub === 'cur' ? infoFlags(name) : '';
    const seconds = deliveredAt(name);
    yield {
      kind: 'message',
      file,
      message: {
        raw: toCrlf(raw),
        flags: { read: flags.includes('S'), starred: flags.includes('F') },
        deleted: flags.includes('T'),
        receivedAt: Number.isFinite(seconds) ? new Date(seconds * 1000) : null,
        envelopeFrom: null,
      },
    };
  }
}

/** The flags after ":2," (or ";2,", the form used where ":" cannot be in a file name). */
export function infoFlags(name: string): string {
  const m = /[:;]2,([A-Za-z]*)$/.exec(name);
  return m ? m[1]! : '';
}

/** The delivery time (seconds) a unique name starts with; Infinity sorts nameless ones last. */
function deliveredAt(name: string): number {
  const m = /^(\d+)\./.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

function problem(p: { code: 'not_a_maildir' | 'not_a_file' | 'message_too_large' | 'unreadable_file' | 'empty_message'; file: string; message: string }): MailboxEntry {
  return { kind: 'problem', problem: { severity: 'skipped', ...p } };
}
