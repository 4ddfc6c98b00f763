// The attachment scan of mail the parser refused runs on the event loop: it
// reads delimiter lines as the regex /^--(.+?)(--)?[ \t]*$/m did, without
// that regex's backtracking over a long line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delimiterName, scanAttachments } from '../../src/mail/mime-scan.js';
import { blankDelimiterMultipart } from '../fuzz/hostile-cases.js';

const crlf = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');

describe('scanAttachments', () => {
  it('names the boundary of a delimiter line as the regex did (property)', () => {
    const char = fc.constantFrom('-', 'b', ' ', '\t', 'x');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')), fc.boolean(), (rest, dashed) => {
        const line = dashed ? `--${rest}` : rest;
        expect(delimiterName(line, 0, line.length)).toBe(/^--(.+?)(--)?[ \t]*$/.exec(line)?.[1] ?? null);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('finds the attachment after a "--" line of a megabyte of blanks', () => {
    const found = scanAttachments(crlf(blankDelimiterMultipart()));
    expect(found.map((a) => [a.filename, a.content.toString()])).toEqual([['kept.bin', 'hello']]);
  });

  it('reads parts between CRLF, LF and bare CR delimiter lines alike', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\nContent-Disposition: attachment; filename=a.txt\n\none\r--Z \t\r\n'
        + 'Content-Disposition: attachment; filename=b.txt\r\n\r\ntwo\r\n--Z--\r\n',
      'latin1',
    );
    expect(scanAttachments(raw).map((a) => a.filename)).toEqual(['a.txt', 'b.txt']);
  });
});
