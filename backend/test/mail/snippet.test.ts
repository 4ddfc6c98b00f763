// snippetOf: one line of at most 160 characters, from the start of the body.
import { describe, expect, it } from 'vitest';
import { SNIPPET_LENGTH, snippetOf } from '../../src/mail/snippet.js';

// The definition snippetOf implements in one pass.
function reference(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH - 1)}…` : line;
}

const SPACES = [' ', '\t', '\r\n', '\n\n  ', '\u00a0', '\u2003', '\u2028', '\u3000', '\ufeff', '\u000b'];

describe('snippetOf', () => {
  it('collapses white space into one line', () => {
    expect(snippetOf('  Hello\r\n\r\n  there,\tfriend  ')).toBe('Hello there, friend');
    expect(snippetOf('')).toBe('');
    expect(snippetOf(' \r\n\t ')).toBe('');
  });

  it('cuts a long body with an ellipsis', () => {
    const s = snippetOf('word '.repeat(10_000));
    expect(s).toHaveLength(SNIPPET_LENGTH);
    expect(s.endsWith('…')).toBe(true);
    expect(s.startsWith('word word')).toBe(true);
  });

  it('keeps a preview of exactly the limit whole, and cuts one character more', () => {
    const exact = `${'a'.repeat(SNIPPET_LENGTH - 10)} ${'b'.repeat(9)}`;
    expect(snippetOf(`${exact}   `)).toBe(exact);
    expect(snippetOf(`${exact}c`)).toBe(`${exact.slice(0, SNIPPET_LENGTH - 1)}…`);
    expect(snippetOf(`${exact} c`)).toBe(`${exact.slice(0, SNIPPET_LENGTH - 1)}…`);
  });

  it('finds the text after a start that is nearly all white space', () => {
    expect(snippetOf(`${'\n'.repeat(5000)}late text`)).toBe('late text');
  });

  it('cuts one enormous word', () => {
    expect(snippetOf('x'.repeat(1_000_000))).toBe(`${'x'.repeat(SNIPPET_LENGTH - 1)}…`);
  });

  it('agrees with the regular-expression definition on random text', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let parts = rand(60); parts > 0; parts--) {
        text += rand(3) === 0 ? SPACES[rand(SPACES.length)]!.repeat(1 + rand(3)) : 'wörd€😀x'.slice(0, 1 + rand(8)).repeat(1 + rand(20));
      }
      expect(snippetOf(text)).toBe(reference(text));
    }
  });
});
