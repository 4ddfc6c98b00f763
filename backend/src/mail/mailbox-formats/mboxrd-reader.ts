// mboxrd import, streaming: one message in memory at a time (at most
// maxMessageBytes of it), whatever the size of the file.
//
// A message starts at a From_ line ("From sender Www Mmm dd hh:mm:ss yyyy");
// a line starting "From " that is not one stays in the message and is
// reported. One ">" comes off every line matching /^>+From / (mboxrd; an
// mboxo file, as Python's mailbox writes, loses the ">" of a line that was
// ">From " in the original, which mboxo cannot tell apart). The empty line
// before the next From_ line is the separator. Messages come out CRLF, the
// flag headers taken off (mbox-flags.ts). Nothing is dropped silently: text
// before the first From_ line, empty and oversized messages are reported
// with their line numbers.
import { toCrlf } from '../line-endings.js';
import { takeFlagHeaders } from './mbox-flags.js';
import type { MailboxEntry } from './mailbox-message.js';

export interface MboxReadOptions {
  /** bigger messages are skipped and reported (default 100 MiB) */
  maxMessageBytes?: number;
}

// The sender is empty or ends in a character that is neither a blank nor a
// line break: the shortest sender the lazy (.*?) took ends so anyway, and
// without that, every length of the sender was tried against a long run of
// blanks ("From ", a megabyte of blanks, "x": quadratic, on the event loop
// of an import). A line holding a line break never matches (no part of the
// pattern takes one); parseFromLine says so first, since the tail's .* would
// otherwise run to that break once per date in the line.
const FROM_LINE = new RegExp(
  '^From ((?:.*?[^ \\n\\r\\u2028\\u2029])?) +((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\\d{1,2}) +'
    + '(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: +(?:[A-Z]{3,5}|[+-]\\d{4}))? +(\\d{4}))(?: .*)?$',
);
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FROM_ = Buffer.from('From ');
const LF = 0x0a;
const GT = 0x3e;

/** Reads an mbox from chunks (a file or request stream), yielding messages and problems in file order. */
export async function* readMboxrd(source: AsyncIterable<Uint8Array | string>, opts: MboxReadOptions = {}): AsyncGenerator<MailboxEntry> {
  const parser = new MboxrdParser(opts);
  for await (const chunk of source) yield* parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  yield* parser.end();
}

interface OpenMessage {
  line: number;
  envelopeFrom: string | null;
  receivedAt: Date | null;
  parts: Buffer[];
  bytes: number;
  tooLarge: boolean;
}

/** The same, push by push: each push returns what the bytes so far complete. */
export class MboxrdParser {
  private readonly maxBytes: number;
  private lineNo = 0;
  private current: OpenMessage | null = null;
  private preamble: { from: number; to: number } | null = null;
  /** the start of a line whose end has not arrived yet */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private out: MailboxEntry[] = [];

  constructor(opts: MboxReadOptions = {}) {
    this.maxBytes = opts.maxMessageBytes ?? 100 * 1024 * 1024;
  }

  push(chunk: Uint8Array): MailboxEntry[] {
    // A copy: the message parts point into it until the message ends.
    const data = Buffer.from(chunk);
    let at = 0;
    let nl = data.indexOf(LF);
    if (this.carry.length > 0) {
      if (nl === -1) {
        this.keepCarry(data);
        return this.take();
      }
      this.carry.push(data.subarray(0, nl + 1));
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.carryBytes = 0;
      this.line(line, 0, line.length, true);
      at = nl + 1;
      nl = data.indexOf(LF, at);
    }
    // Lines that need nothing done are appended as one range.
    let rangeStart = at;
    for (; nl !== -1; at = nl + 1, nl = data.indexOf(LF, at)) {
      if (!this.special(data, at, nl + 1)) continue;
      this.append(data.subarray(rangeStart, at));
      this.line(data, at, nl + 1, false);
      rangeStart = nl + 1;
    }
    this.append(data.subarray(rangeStart, at));
    if (at < data.length) this.keepCarry(data.subarray(at));
    return this.take();
  }

  end(): MailboxEntry[] {
    if (this.carry.length > 0) {
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.line(line, 0, line.length, true);
      if (this.current) {
        this.out.push(problem('warning', 'no_final_newline', 'the file does not end with a line break; the last line was kept as it is', this.lineNo));
      }
    }
    this.finish(true);
    this.flushPreamble();
    return this.take();
  }

  /** Lines counted and handled one by one: From_ lines, quoted From lines, and every line outside a message. */
  private special(data: Buffer, start: number, end: number): boolean {
    this.lineNo++;
    const first = data[start];
    if (first === 0x46 /* F */ && data.subarray(start, start + 5).equals(FROM_)) return true;
    if (first === GT && isQuotedFrom(data, start, end)) return true;
    return this.current === null;
  }

  /** One line that special() picked (or one that came in pieces, counted here). */
  private line(data: Buffer, start: number, end: number, counted: boolean): void {
    if (counted) this.lineNo++;
    const bytes = data.subarray(start, end);
    if (bytes[0] === 0x46 && bytes.subarray(0, 5).equals(FROM_)) {
      const from = parseFromLine(bytes.toString('latin1').replace(/\r?\n$/, ''));
      if (from) {
        this.finish(false);
        this.flushPreamble();
        this.current = { line: this.lineNo, ...from, parts: [], bytes: 0, tooLarge: false };
        return;
      }
      if (this.current) {
        this.out.push(problem('warning', 'unquoted_from_line', 'a line starting "From " that is not a From_ line was kept in the message', this.lineNo));
      }
    }
    if (!this.current) {
      this.preamble = { from: this.preamble?.from ?? this.lineNo, to: this.lineNo };
      return;
    }
    this.append(bytes[0] === GT && isQuotedFrom(bytes, 0, bytes.length) ? bytes.subarray(1) : bytes);
  }

  private append(part: Buffer): void {
    const m = this.current;
    if (!m || part.length === 0) return;
    m.bytes += part.length;
    if (m.bytes > this.maxBytes) {
      m.tooLarge = true;
      m.parts = [];
    }
    if (!m.tooLarge) m.parts.push(part);
  }

  private keepCarry(part: Buffer): void {
    this.carry.push(part);
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxBytes && this.carry.length > 1) {
      // One endless line: keep its start (enough to tell a From_ line), drop the rest with the message.
      if (this.current) this.current.tooLarge = true;
      this.carry = [this.carry[0]!.subarray(0, 1024)];
      this.carryBytes = this.carry[0]!.length;
    }
  }

  private finish(atEnd: boolean): void {
    const m = this.current;
    if (!m) return;
    this.current = null;
    const lastLine = this.lineNo - (atEnd ? 0 : 1);
    if (m.tooLarge) {
      this.out.push(problem('skipped', 'message_too_large', `a message of more than ${this.maxBytes} bytes was skipped`, m.line, lastLine));
      return;
    }
    let body = Buffer.concat(m.parts);
    body = body.subarray(0, body.length - separatorLength(body));
    if (body.length === 0) {
      this.out.push(problem('skipped', 'empty_message', 'a From_ line without a message was skipped', m.line, lastLine));
      return;
    }
    const { raw, flags, deleted } = takeFlagHeaders(toCrlf(body));
    this.out.push({ kind: 'message', line: m.line, message: { raw, flags, deleted, receivedAt: m.receivedAt, envelopeFrom: m.envelopeFrom } });
  }

  private flushPreamble(): void {
    if (!this.preamble) return;
    const { from, to } = this.preamble;
    this.preamble = null;
    this.out.push(problem('skipped', 'text_before_first_message', `lines ${from}-${to} come before any From_ line and were skipped`, from, to));
  }

  private take(): MailboxEntry[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** The sender and date of a From_ line, or null when the line is not one. */
export function parseFromLine(line: string): { envelopeFrom: string | null; receivedAt: Date | null } | null {
  if (LINE_BREAK.test(line)) return null;
  const m = FROM_LINE.exec(line);
  if (!m) return null;
  const [, sender, , month, day, hh, mm, ss, year] = m;
  const t = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hh), Number(mm), Number(ss ?? 0));
  return { envelopeFrom: sender && sender !== 'MAILER-DAEMON' ? sender : null, receivedAt: Number.isNaN(t) ? null : new Date(t) };
}

/** >From, >>From ...: bytes [start, end) begin with one or more ">" then "From ". */
function isQuotedFrom(data: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && data[i] === GT) i++;
  return i > start && i + 5 <= end && data.subarray(i, i + 5).equals(FROM_);
}

/** The empty line that separates messages: the last line, when it is empty. */
function separatorLength(body: Buffer): number {
  const n = body.length;
  if (n >= 1 && body[n - 1] === LF) {
    if (n === 1 || body[n - 2] === LF) return 1;
    if (body[n - 2] === 0x0d && (n === 2 || body[n - 3] === LF)) return 2;
  }
  return 0;
}

function problem(severity: 'skipped' | 'warning', code: ProblemCode, message: string, line: number, endLine?: number): MailboxEntry {
  return { kind: 'problem', problem: { severity, code, message, line, ...(endLine !== undefined ? { endLine } : {}) } };
}

type ProblemCode = Extract<MailboxEntry, { kind: 'problem' }>['problem']['code'];
