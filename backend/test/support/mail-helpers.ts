// Building messages whose exact bytes a test knows, sending them with swaks,
// and reading the stored form back (/raw minus our trace header).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { ApiClient } from './test-server.js';

const CRLF = Buffer.from('\r\n');

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Composes a message with nodemailer's MailComposer, in wire form: every line
 * end CRLF (MailComposer leaves a bare LF inside quoted-printable text) and a
 * final CRLF, so these are exactly the bytes the server must keep.
 */
export async function compose(options: Mail.Options): Promise<Buffer> {
  const raw = (await new MailComposer(options).compile().build()).toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(raw.endsWith('\r\n') ? raw : `${raw}\r\n`, 'latin1');
}

/**
 * Removes the first header field if it is a Received: trace field, together
 * with its folded continuation lines. Throws when /raw does not start with one.
 */
export function stripFirstReceived(raw: Buffer): Buffer {
  if (!/^Received:/i.test(raw.subarray(0, 9).toString('latin1'))) throw new Error('raw does not start with Received:');
  let end = raw.indexOf(CRLF) + 2;
  while (raw[end] === 0x20 || raw[end] === 0x09) end = raw.indexOf(CRLF, end) + 2;
  return raw.subarray(end);
}

/** GET /api/messages/:id, which must answer 200; the message DTO. */
export async function fetchMessage(api: ApiClient, id: number) {
  const res = await api.get(`/api/messages/${id}`);
  if (res.status !== 200) throw new Error(`message ${id}: ${res.status}`);
  return res.body.message;
}

/** GET /api/messages/:id/raw without the trace header the server prepended. */
export async function storedBytes(api: ApiClient, id: number): Promise<Buffer> {
  const res = await api.raw('GET', `/api/messages/${id}/raw`);
  if (res.status !== 200) throw new Error(`raw ${id}: ${res.status}`);
  return stripFirstReceived(res.bytes);
}

export interface SwaksResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs /usr/bin/swaks against the test server; never rejects, the exit code is returned. */
export function swaks(port: number, args: string[]): Promise<SwaksResult> {
  return new Promise((resolve) => {
    execFile(
      'swaks',
      ['--server', `127.0.0.1:${port}`, '--helo', 'swaks.test', '--timeout', '10', ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The id the server reports in "250 ... stored as <id>[,<id>]" within a swaks transcript or an SMTP reply. */
export function storedIds(text: string): number[] {
  const m = /250 [^\n]*stored as ([\d,]+)/.exec(text);
  if (!m) throw new Error(`no "stored as" reply in:\n${text}`);
  return m[1]!.split(',').map(Number);
}

/** Encodes a header value as an RFC 2047 UTF-8 B encoded-word. */
export const encodedWord = (s: string): string => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/** A tiny valid 1x1 PNG, for inline-image tests. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
