// Hand-written hostile messages: shapes that have hung, crashed or confused
// mail parsers (ours included), kept as test data for the fuzz tests and the
// parse-deadline tests. Each is the message as it goes over DATA (CRLF line
// ends, before dot-stuffing).

export interface HostileCase {
  name: string;
  /** what it attacks */
  why: string;
  build(): Buffer;
}

const crlf = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');

/** mailparser 3.9.31 never settles on this part: inline message/rfc822 with no body. The whole message is 59 bytes. */
export const inlineRfc822Minimal = (): Buffer => crlf(['Content-Disposition: inline', 'Content-Type: message/rfc822']);

/** The same stall after a 3 MB preamble, as first reported: the parse holds its 3 MB while it waits forever. */
export const inlineRfc822AfterPreamble = (): Buffer =>
  crlf([
    'From: Mallory <mallory@attacker.test>',
    'To: bob@example.test',
    'Subject: stuck parse',
    'Content-Type: multipart/mixed; boundary=B',
    '',
    'A'.repeat(3_000_000),
    '--B',
    'Content-Disposition: inline',
    'Content-Type: message/rfc822',
  ]);

/** A multipart whose first "--D" line holds a megabyte of blanks before a letter, then one real attachment: kept.bin, "hello". */
export const blankDelimiterMultipart = (): string[] => [
  'Content-Type: multipart/mixed; boundary=D',
  '',
  `--D${' '.repeat(1_000_000)}x`,
  '--D',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename=kept.bin',
  'Content-Transfer-Encoding: base64',
  '',
  'aGVsbG8=',
  '--D--',
];

const nested = (depth: number): string[] => {
  const lines: string[] = [];
  for (let i = 0; i < depth; i++) lines.push(`Content-Type: multipart/mixed; boundary=n${i}`, '', `--n${i}`);
  lines.push('Content-Type: text/plain', '', 'deep');
  for (let i = depth - 1; i >= 0; i--) lines.push(`--n${i}--`);
  return lines;
};

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'inline-rfc822-minimal', why: 'a parse that never settles (59 bytes)', build: inlineRfc822Minimal },
  { name: 'inline-rfc822-after-preamble', why: 'a parse that never settles, holding 3 MB', build: inlineRfc822AfterPreamble },
  {
    name: 'inline-rfc822-in-multipart',
    why: 'the stalling part inside a well-formed multipart, with parts after it',
    build: () =>
      crlf([
        'Subject: inner stall', 'Content-Type: multipart/mixed; boundary=X', '',
        '--X', 'Content-Type: text/plain', '', 'before',
        '--X', 'Content-Disposition: inline', 'Content-Type: message/rfc822',
        '--X', 'Content-Type: text/plain', '', 'after', '--X--',
      ]),
  },
  {
    name: 'rfc822-attachment-no-body',
    why: 'message/rfc822 as an attachment with no body at all',
    build: () => crlf(['Subject: empty inner', 'Content-Type: multipart/mixed; boundary=Y', '', '--Y', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename=x.eml', '--Y--']),
  },
  { name: 'empty', why: 'no header, no body', build: () => Buffer.from('\r\n') },
  { name: 'header-only-no-blank-line', why: 'a header block that never ends', build: () => crlf(['Subject: no body', 'From: a@b.test']) },
  { name: 'deep-nesting', why: 'multipart nested 300 deep', build: () => crlf(['Subject: deep', ...nested(300)]) },
  {
    name: 'many-parts',
    why: '5,000 sibling parts (mailparser refuses past its part limit)',
    build: () => {
      const parts: string[] = ['Subject: many parts', 'Content-Type: multipart/mixed; boundary=P', ''];
      for (let i = 0; i < 5000; i++) parts.push('--P', 'Content-Type: text/plain', '', `part ${i}`);
      parts.push('--P--');
      return crlf(parts);
    },
  },
  {
    name: 'huge-header',
    why: 'a 1.2 MiB header line',
    build: () => crlf([`Subject: ${'x'.repeat(1_200_000)}`, '', 'body']),
  },
  {
    name: 'huge-from-without-at',
    why: 'a refused message (1.2 MiB header) whose From is a run of letters with no @: quadratic for a naive address regex in the fallback',
    build: () => crlf([`From: ${'a'.repeat(1_200_000)}`, 'Subject: no address', '', 'body']),
  },
  {
    name: 'long-blank-delimiter-line',
    why: 'a refused message whose multipart has a "--" line with a megabyte of blanks: quadratic for a naive delimiter regex in the fallback',
    build: () => crlf([`X-Padding: ${'p'.repeat(1_100_000)}`, 'Subject: blanks', ...blankDelimiterMultipart()]),
  },
  {
    name: 'unclosed-boundary',
    why: 'a multipart whose closing boundary never comes',
    build: () => crlf(['Subject: open', 'Content-Type: multipart/mixed; boundary=Q', '', '--Q', 'Content-Type: text/plain', '', 'never closed']),
  },
  {
    name: 'broken-base64',
    why: 'base64 with stray characters, misplaced padding and a ragged last line',
    build: () =>
      crlf([
        'Subject: b64', 'Content-Type: multipart/mixed; boundary=R', '', '--R',
        'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename=a.bin', '',
        'QUJD=REVG', 'R0hJ*SktM', '-_-_', 'TU5PUA', '--R--',
      ]),
  },
  {
    name: 'broken-quoted-printable',
    why: 'soft line breaks and escapes cut short',
    build: () => crlf(['Subject: qp', 'Content-Transfer-Encoding: quoted-printable', '', 'abc=', '=4', '=ZZ', 'end=']),
  },
  {
    name: 'encoded-word-garbage',
    why: 'RFC 2047 words with unknown charsets and broken encodings',
    build: () => crlf(['Subject: =?x-unknown?Q?=FF=FE?= =?utf-8?B?####?= =?iso-2022-jp?B?GyRCJDMbKEI=?=', 'From: =?utf-8?Q?=E2=80?= <a@b.test>', '', 'x']),
  },
  {
    name: 'nul-and-high-bytes',
    why: 'NUL and invalid UTF-8 in header and body',
    build: () => Buffer.concat([Buffer.from('Subject: \u0000\u00ff\u00fe\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n', 'latin1'), Buffer.from([0, 0xff, 0xc3, 0x28, 0x0d, 0x0a])]),
  },
  {
    name: 'html-deep-tags',
    why: 'HTML nested 20,000 tags deep (call stack of the HTML-to-text step)',
    build: () => crlf(['Subject: html', 'Content-Type: text/html', '', `${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}`]),
  },
  {
    name: 'many-parameters',
    why: 'a Content-Type with 10,000 parameters and RFC 2231 continuations',
    build: () =>
      crlf([`Content-Type: text/plain; ${Array.from({ length: 10_000 }, (_, i) => `p${i}*${i}*=utf-8''%41`).join('; ')}`, '', 'x']),
  },
  {
    name: 'nested-rfc822',
    why: 'message/rfc822 inside message/rfc822, 100 deep',
    build: () => {
      const lines: string[] = [];
      for (let i = 0; i < 100; i++) lines.push(`Subject: level ${i}`, 'Content-Type: message/rfc822', '');
      lines.push('Subject: bottom', '', 'bottom');
      return crlf(lines);
    },
  },
  {
    name: 'dot-lines',
    why: 'lines that are, or start with, a dot (the client stuffs them)',
    build: () => crlf(['Subject: dots', '', '.', '..', '.hidden', '. .']),
  },
];
