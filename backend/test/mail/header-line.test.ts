// Header fields read without a parser (refused mail, the MIME scan): the
// answers of /^([^:\s]+)\s*:\s*(.*)$/, in time linear in the line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerField, headerFields } from '../../src/mail/header-line.js';

const OLD = /^([^:\s]+)\s*:\s*(.*)$/;

describe('headerField', () => {
  it('gives what the regex gave, for any line (property)', () => {
    const char = fc.constantFrom('a', 'B', ':', ' ', '\t', '\r', '\n', '\u00a0', '\u2028', 'x');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 16 }).map((cs) => cs.join('')), (line) => {
        const m = OLD.exec(line);
        expect(headerField(line)).toEqual(m ? { name: m[1], value: m[2] } : null);
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('reads a line of a megabyte of blanks before a bare CR (the regex took hours)', () => {
    expect(headerField(`X-Pad: ${' '.repeat(1_000_000)}x\r`)).toBeNull();
    expect(headerField(`X-Pad: ${' '.repeat(1_000_000)}x`)).toEqual({ name: 'X-Pad', value: 'x' });
  });

  it('unfolds a block and keeps repeated names in order', () => {
    expect(headerFields('Subject: a\r\n b\r\nX: 1\r\nnot a field\r\nX: 2')).toEqual([
      { name: 'Subject', value: 'a b' }, { name: 'X', value: '1' }, { name: 'X', value: '2' },
    ]);
  });
});
