import { describe, expect, it } from 'vitest';
import { highlightParts } from './highlight-parts';
import { withOperator } from './search-operators';

describe('highlightParts', () => {
  it('splits marked words from the rest and decodes the escaped text', () => {
    expect(highlightParts('Your <mark>invoice</mark> &#60;b&#62; &amp; <mark>Grüße</mark>')).toEqual([
      { text: 'Your ', mark: false },
      { text: 'invoice', mark: true },
      { text: ' <b> & ', mark: false },
      { text: 'Grüße', mark: true },
    ]);
  });

  it('keeps markup other than <mark> as text, never as HTML', () => {
    expect(highlightParts('&#60;script&#62;x<mark>y</mark>')).toEqual([{ text: '<script>x', mark: false }, { text: 'y', mark: true }]);
    expect(highlightParts('<b>bold</b>')).toEqual([{ text: '<b>bold</b>', mark: false }]);
  });
});

describe('withOperator', () => {
  it('adds an operator after what is typed', () => {
    expect(withOperator('', 'from:')).toBe('from:');
    expect(withOperator('invoice  ', 'is:unread')).toBe('invoice is:unread');
  });
});
