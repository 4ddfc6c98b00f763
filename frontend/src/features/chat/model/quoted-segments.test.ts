import { describe, expect, it } from 'vitest';
import { hasFolded, newWords, splitQuoted } from './quoted-segments';

const body = 'Yes, 10 works.\n\nOn Sat, Jane wrote:\n> 10?\n';
const tail = { start: 14, end: body.length, kind: 'quote' as const };

describe('splitQuoted', () => {
  it('cuts the body at the server ranges', () => {
    expect(splitQuoted(body, [tail])).toEqual([
      { text: 'Yes, 10 works.', folded: false },
      { text: '\n\nOn Sat, Jane wrote:\n> 10?\n', folded: true },
    ]);
    expect(newWords(body, [tail])).toBe('Yes, 10 works.');
    expect(hasFolded(body, [tail])).toBe(true);
  });

  it('shows everything without ranges', () => {
    expect(splitQuoted(body, undefined)).toEqual([{ text: body, folded: false }]);
    expect(newWords(body, [])).toBe(body.trim());
    expect(hasFolded(body, [])).toBe(false);
  });

  it('drops ranges that do not fit the text', () => {
    const bad = [
      { start: -1, end: 3, kind: 'quote' as const },
      { start: 5, end: 999, kind: 'quote' as const },
      { start: 6, end: 6, kind: 'quote' as const },
      { start: 1.5, end: 4, kind: 'quote' as const },
    ];
    expect(splitQuoted(body, bad)).toEqual([{ text: body, folded: false }]);
  });

  it('keeps the first of overlapping ranges and orders them', () => {
    const text = 'abcdefghij';
    const ranges = [
      { start: 6, end: 8, kind: 'signature' as const },
      { start: 0, end: 2, kind: 'quote' as const },
      { start: 1, end: 4, kind: 'quote' as const },
    ];
    expect(splitQuoted(text, ranges)).toEqual([
      { text: 'ab', folded: true },
      { text: 'cdef', folded: false },
      { text: 'gh', folded: true },
      { text: 'ij', folded: false },
    ]);
  });
});
