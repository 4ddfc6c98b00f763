// snippetOf: one line of at most 160 characters, from the start of the body.
import { describe, expect, it } from 'vitest';
import { SNIPPET_LENGTH, snippetOf } from '../../src/mail/snippet.js';

describe('snippetOf', () => {
  it('collapses white space into one line', () => {
    expect(snippetOf('  Hello\r\n\r\n  there,\tfriend  ')).toBe('Hello there, friend');
  });

  it('cuts a long body with an ellipsis', () => {
    const s = snippetOf('word '.repeat(10_000));
    expect(s).toHaveLength(SNIPPET_LENGTH);
    expect(s.endsWith('…')).toBe(true);
    expect(s.startsWith('word word')).toBe(true);
  });

  it('finds the text after a start that is nearly all white space', () => {
    expect(snippetOf(`${'\n'.repeat(5000)}late text`)).toBe('late text');
  });
});
