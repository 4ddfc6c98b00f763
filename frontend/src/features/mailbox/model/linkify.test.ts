import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('finds http(s), www and email links and keeps the text around them', () => {
    expect(linkify('See https://example.com/a?b=1 and www.example.org, or mail ann@example.com.')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
      { kind: 'text', text: ', or mail ' },
      { kind: 'link', text: 'ann@example.com', href: 'mailto:ann@example.com' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves sentence punctuation and unbalanced brackets outside the link', () => {
    const segments = linkify('(see https://en.wikipedia.org/wiki/Foo_(bar)).');
    expect(segments[1]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    expect(segments[2]).toEqual({ kind: 'text', text: ').' });
  });

  it('never links javascript:, data: or other schemes and never interprets markup', () => {
    const text = 'javascript:alert(1) data:text/html,<script>x</script> <a href="https://evil.example">x</a>';
    const links = linkify(text).filter((s) => s.kind === 'link');
    expect(links.every((l) => l.kind === 'link' && /^(https?|mailto):/.test(l.href))).toBe(true);
    expect(links.map((l) => l.text)).toEqual(['https://evil.example']);
    expect(linkify(text).map((s) => s.text).join('')).toBe(text);
  });

  it('returns plain text as one segment', () => {
    expect(linkify('no links here')).toEqual([{ kind: 'text', text: 'no links here' }]);
    expect(linkify('')).toEqual([]);
  });
});
