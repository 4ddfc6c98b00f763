// FETCH responses as imap-core's formatResponse shapes them and its compiler
// writes them, made so that a FETCH of every message of a big folder stays
// linear and cheap:
// - the sequence number comes from a binary search of the session's UID list
//   (formatResponse looks each UID up with indexOf: n²/2 steps for "1:*");
// - a response without message bytes is one line of text, made from the
//   command's item names compiled once and each distinct flag list compiled
//   once, and lines are written many to a chunk, waiting for the socket
//   between chunks (a stream per response made a socket write, and a few
//   event-loop turns, per message).
import { imapHandler, type FetchQueryItem, type ImapSession } from '@zone-eu/wildduck/imap-core/index.js';
import type { ImapMessageRecord } from '../core/imap-mailbox.js';
import { toImapFlags } from './imap-flags.js';
import { formatInternalDate } from './internal-date.js';

/** Lines (or bytes) per write: enough to spread a write's cost, few enough to start sending early. */
const LINES_PER_CHUNK = 1000;
const BYTES_PER_CHUNK = 64 * 1024;

/**
 * The sequence number (1-based) of a UID in the session's UID list, 0 when it
 * is not there. The list is ascending (SELECT lists UIDs in order; a new
 * message's UID is above every known one, RFC 3501 2.3.1.1); should it ever
 * not be, the UID is looked for everywhere, as imap-core does.
 */
export function sequenceNumbers(uidList: readonly number[]): (uid: number) => number {
  return (uid) => {
    let lo = 0;
    let hi = uidList.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = uidList[mid]!;
      if (at === uid) return mid + 1;
      if (at < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return uidList.indexOf(uid) + 1;
  };
}

/** What FETCH answers from a message's listing, without its bytes. */
const METADATA_ITEMS = new Set(['uid', 'flags', 'modseq', 'internaldate', 'rfc822.size']);

/**
 * The text of `* seq FETCH (...)` for a query of UID, FLAGS, MODSEQ,
 * INTERNALDATE and RFC822.SIZE only (null for any other query): the same
 * bytes imap-core's getQueryResponse, formatResponse and compiler make.
 */
export function metadataLines(query: readonly FetchQueryItem[]): ((seq: number, message: ImapMessageRecord) => string) | null {
  if (!query.every((item) => METADATA_ITEMS.has(item.item) && !item.partial)) return null;
  const names = query.map((item) => imapHandler.compiler({ attributes: [item.original] }));
  const flagLists = new Map<string, string>();
  const flagList = (flags: string[]) => {
    const key = flags.join('\n');
    let text = flagLists.get(key);
    if (text === undefined) {
      text = imapHandler.compiler({ attributes: [flags.map((value) => ({ type: 'ATOM', value }))] });
      flagLists.set(key, text);
    }
    return text;
  };
  const value = (item: FetchQueryItem, m: ImapMessageRecord): string => {
    switch (item.item) {
      case 'uid': return String(m.uid);
      case 'flags': return flagList(toImapFlags(m));
      case 'modseq': return m.modseq ? `(${m.modseq})` : '()';
      case 'internaldate': return `"${formatInternalDate(m.createdAt)}"`;
      default: return String(m.sizeBytes); // rfc822.size
    }
  };
  return (seq, m) => `* ${seq} FETCH (${query.map((item, i) => `${names[i]} ${value(item, m)}`).join(' ')})`;
}

/** The lines STORE answers with: formatResponse's `{ uid, flags, modseq }`, each item only when wanted. */
export function storeLines(wanted: { uid: boolean; flags: boolean; modseq: boolean }): (seq: number, message: ImapMessageRecord) => string {
  const items = (['uid', 'flags', 'modseq'] as const).filter((item) => wanted[item]);
  return metadataLines(items.map((item) => ({ item, original: { type: 'ATOM', value: item.toUpperCase() } })))!;
}

/** `* seq FETCH (...)`: each query item as the client asked for it, then its value, as formatResponse makes it. */
export function fetchResponse(seq: number, query: readonly FetchQueryItem[], values: readonly unknown[]) {
  const items: unknown[] = [];
  query.forEach((item, i) => {
    const value = values[i];
    items.push(item.original);
    if (item.item === 'flags' || item.item === 'modseq') {
      items.push(([] as unknown[]).concat(value || []).map((v) => ({ type: 'ATOM', value: String(v || v === 0 ? v : '') })));
    } else if (value instanceof Date) {
      items.push({ type: 'ATOM', value: formatInternalDate(value) });
    } else if (Array.isArray(value)) {
      items.push(value);
    } else if (item.isLiteral) {
      const stream = value as { type?: string; value?: unknown; expectedLength?: number; startFrom?: number; maxLength?: number } | null;
      items.push(stream && stream.type === 'stream'
        ? { type: 'LITERAL', value: stream.value, expectedLength: stream.expectedLength, startFrom: stream.startFrom, maxLength: stream.maxLength }
        : { type: 'LITERAL', value });
    } else if (value === '') {
      items.push(value);
    } else {
      items.push({ type: 'ATOM', value: String(value) });
    }
  });
  return { tag: '*', command: String(seq), attributes: [{ type: 'atom', value: 'FETCH' }, items] };
}

/** A response with message bytes (a literal, perhaps a stream): streamed on its own, resolved once it is out. */
export function writeStreamed(session: ImapSession, response: unknown): Promise<void> {
  return new Promise((resolve) => session.writeStream.write(imapHandler.compileStream(response), () => resolve()));
}

/**
 * Response lines (without literals, in imap-core's 'binary' strings), joined
 * into chunks. Waits for the socket before a chunk when the one before has
 * not gone out yet, so a slow client holds one chunk of memory.
 */
export class ResponseLines {
  private lines: string[] = [];
  private bytes = 0;
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly session: ImapSession) {}

  async add(line: string): Promise<void> {
    this.lines.push(line);
    this.bytes += line.length + 2;
    if (this.lines.length >= LINES_PER_CHUNK || this.bytes >= BYTES_PER_CHUNK) await this.send();
  }

  /** Sends what is left; resolves once all of it is out. */
  async end(): Promise<void> {
    if (this.lines.length > 0) await this.send();
    await this.previous;
  }

  private async send(): Promise<void> {
    // The composer sends `compiled` as it is, then CRLF (imap-composer.js).
    const compiled = Buffer.from(this.lines.join('\r\n'), 'binary');
    this.lines = [];
    this.bytes = 0;
    await this.previous;
    this.previous = new Promise((resolve) => this.session.writeStream.write({ compiled }, () => resolve()));
  }
}
