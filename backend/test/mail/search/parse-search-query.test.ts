// The search language: what each form parses to, the filters it yields, and
// the clear `invalid` answers (HTTP 400) for what cannot be a query.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../../src/mail/search/parse-search-query.js';
import { searchFilters } from '../../../src/mail/search/search-filters.js';
import type { SearchClause, SearchQuery } from '../../../src/mail/search/search-query.js';
import { indexText, indexTokens, queryTokens, RUN_END } from '../../../src/mail/search/search-tokens.js';

function clauses(q: string): SearchClause[] {
  const r = parseSearchQuery(q);
  if (!r.ok) throw new Error(`${q}: ${r.error.code}`);
  return [...r.query.clauses];
}
function errorCode(q: string): string | null {
  const r = parseSearchQuery(q);
  return r.ok ? null : r.error.code;
}
const words = (q: string) => clauses(q).map((c) => (c.kind === 'text' ? `${c.negated ? '-' : ''}${c.field}:${c.tokens.map((t) => t.text + (t.prefix ? '*' : '')).join('+')}` : c.kind));
const filters = (q: string) => {
  const r = parseSearchQuery(q);
  if (!r.ok) throw new Error(q);
  return searchFilters(r.query as SearchQuery);
};

describe('parseSearchQuery: text', () => {
  it('words, phrases, negation, prefixes', () => {
    expect(words('Invoice November')).toEqual(['any:invoice', 'any:november']);
    expect(words('"big news" lunch')).toEqual(['any:big+news', 'any:lunch']);
    expect(clauses('"big news"')[0]).toMatchObject({ kind: 'text', phrase: true, text: 'big news' });
    expect(words('-spam -"big news" -from:ann')).toEqual(['-any:spam', '-any:big+news', '-from:ann']);
    expect(words('invoi* a* 京*')).toEqual(['any:invoi*', 'any:a', 'any:京*']);
    expect(words('e-mail billing@shop.test')).toEqual(['any:e+mail', 'any:billing+shop+test']);
  });

  it('operators with plain, quoted and spaced values; unknown operators are words', () => {
    expect(words('from:ann@lee.test to:"Bob Bauer" subject:news')).toEqual(['from:ann+lee+test', 'to:bob+bauer', 'subject:news']);
    expect(words('FROM: ann')).toEqual(['from:ann']);
    expect(words('from: "Ann Lee"')).toEqual(['from:ann+lee']);
    expect(words('foo:bar http://x.test')).toEqual(['any:foo+bar', 'any:http+x+test']);
  });

  it('an unclosed quote runs to the end; quotes inside words start a phrase', () => {
    expect(clauses('"big news')).toMatchObject([{ kind: 'text', phrase: true, text: 'big news' }]);
    expect(words('ab"cd ef"')).toEqual(['any:ab', 'any:cd+ef']);
  });

  it('FTS and SQL syntax is text: operators are words, wildcards and brackets punctuation', () => {
    expect(words('NEAR(a b) AND c OR NOT d')).toEqual(['any:near+a', 'any:b', 'any:and', 'any:c', 'any:or', 'any:not', 'any:d']);
    expect(words("100% file_name o'brien ^x {y} col:z")).toEqual(['any:100', 'any:file+name', 'any:o+brien', 'any:x', 'any:y', 'any:col+z']);
    expect(words('% _ * ( ) - "" lunch')).toEqual(['any:lunch']);
  });

  it('control and format characters are spaces; lone surrogates too', () => {
    expect(words('a\u0000b\u200bc\u2063d\ud800e\u0007')).toEqual(['any:a', 'any:b', 'any:c', 'any:d', 'any:e']);
  });

  it('CJK words become bigrams; a phrase of two runs keeps the run end between them', () => {
    expect(words('東京都')).toEqual(['any:東京+京都']);
    expect(clauses('"東京 大阪"')[0]).toMatchObject({ tokens: [{ text: '東京' }, { text: `京${RUN_END}` }, { text: '大阪' }] });
    expect(words('京')).toEqual(['any:京*']);
  });
});

describe('parseSearchQuery: filters', () => {
  it('in:, is:, has:, before:, after: and their negations', () => {
    expect(filters('in:Inbox is:unread is:starred has:attachment after:2024-01-05 before:2024/2/1')).toEqual({
      folders: ['Inbox'], excludedFolders: [], isRead: false, isStarred: true, hasAttachments: true,
      sentOnOrAfter: new Date('2024-01-05T00:00:00Z'), sentBefore: new Date('2024-02-01T00:00:00Z'), impossible: false,
    });
    expect(filters('-in:spam -in:Trash -is:unread -is:starred -has:attachments -before:2024-03-01')).toMatchObject({
      folders: [], excludedFolders: ['spam', 'Trash'], isRead: true, isStarred: false, hasAttachments: false,
      sentOnOrAfter: new Date('2024-03-01T00:00:00Z'), sentBefore: null,
    });
    expect(filters('is:read is:flagged is:unstarred in:"Project X"')).toMatchObject({ isRead: true, folders: ['Project X'], impossible: true });
  });

  it('contradictions are flagged impossible; repetitions are not', () => {
    expect(filters('is:read is:unread').impossible).toBe(true);
    expect(filters('in:inbox -in:INBOX').impossible).toBe(true);
    expect(filters('after:2024-02-01 before:2024-02-01').impossible).toBe(true);
    expect(filters('after:2024-02-01 before:2024-02-02').impossible).toBe(false);
    expect(filters('in:inbox in:Inbox is:read is:read').folders).toEqual(['inbox']);
    expect(filters('after:2024-01-01 after:2024-03-01 before:2025-01-01 before:2024-06-01')).toMatchObject({
      sentOnOrAfter: new Date('2024-03-01T00:00:00Z'), sentBefore: new Date('2024-06-01T00:00:00Z'),
    });
  });

  it('a query of operators only is a query', () => {
    expect(clauses('is:unread')).toEqual([{ kind: 'flag', flag: 'read', value: false }]);
  });
});

describe('parseSearchQuery: invalid queries answer with a code', () => {
  it.each([
    ['', 'empty_query'],
    ['   ', 'empty_query'],
    ['% _ *', 'empty_query'],
    ['a'.repeat(1001), 'query_too_long'],
    ['x '.repeat(33), 'query_too_complex'],
    ['from:', 'operator_needs_value'],
    ['in:""', 'operator_needs_value'],
    ['is:important', 'invalid_operator'],
    ['has:pony', 'invalid_operator'],
    ['before:yesterday', 'invalid_date'],
    ['after:2024-02-30', 'invalid_date'],
    ['before:2024-13-01', 'invalid_date'],
  ])('%j -> %s', (q, code) => {
    expect(errorCode(q)).toBe(code);
    const r = parseSearchQuery(q);
    expect(r.ok ? null : r.error.kind).toBe('invalid');
  });

  it('accepts 1000 characters', () => {
    expect(errorCode(`${'word '.repeat(6)}${'a'.repeat(970)}`)).toBeNull();
  });
});

describe('search tokens', () => {
  it('fold case, Latin and Greek accents, ß, ё, width; keep other scripts', () => {
    expect(indexText('Hello, Wörld! STRASSE Straße Müller É')).toBe('hello world strasse strasse muller e');
    expect(indexText('e\u0301cole ｆｕｌｌ ﬁne')).toBe('ecole full fine');
    expect(indexText('Привет, Ёлка! й')).toBe('привет елка й');
    expect(indexText('Ελληνικά العربية עברית')).toBe('ελληνικα العربية עברית');
    expect(indexText('ｶﾞｷﾞ が')).toBe(`ガギ ギ${RUN_END} が${RUN_END}`);
  });

  it('cut CJK runs into bigrams with a run end, and split runs where the script changes', () => {
    expect(indexText('東京都に行く')).toBe(`東京 京都 都に に行 行く く${RUN_END}`);
    expect(indexText('iPhone用のケース')).toBe(`iphone 用の のケ ケー ース ス${RUN_END}`);
    expect(indexText('서울에서 회의')).toBe(`서울 울에 에서 서${RUN_END} 회의 의${RUN_END}`);
  });

  it('cut very long tokens the same way on both sides', () => {
    const long = 'x'.repeat(500);
    expect(indexText(long)).toBe('x'.repeat(64));
    expect(queryTokens(long)).toEqual([{ text: 'x'.repeat(64), prefix: false }]);
  });

  it('index ASCII text as the general tokenizer does, long runs included (property)', () => {
    const ascii = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 120 }),
      fc.array(fc.constantFrom('a', 'Q', '7', ' ', '\t', '\r\n', '_', '-', '.', 'x'.repeat(63), 'Y'.repeat(70)), { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(ascii, (text) => {
        expect(indexText(text)).toBe(indexTokens(text).map((t) => t.text).join(' '));
      }),
    );
  });

  it('give every query token form the index has (the phrase lines up)', () => {
    const doc = indexText('会議は東京 大阪で').split(' ');
    const q = queryTokens('東京 大阪').map((t) => t.text);
    const at = doc.indexOf(q[0]!);
    expect(doc.slice(at, at + q.length)).toEqual(q);
  });

  it('every word of any text finds that text (property)', () => {
    const char = fc.constantFrom(
      'a', 'Z', 'é', 'e\u0301', 'ß', 'ü', 'Ё', 'й', 'ά', '1', '東', '京', '都', 'に', 'ガ', 'ｶ', 'ﾞ', '한', '국', 'ー',
      'ﬁ', '⑴', '①', '\u0301', '\u3099', ' ', ' ', '.', '-', '@', '_', '"', '\n', 'İ', 'ǅ', '\ud83d\ude00',
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const doc = indexTokens(text);
        expect(indexText(text)).toBe(doc.map((t) => t.text).join(' '));
        for (const word of text.split(/\s+/)) {
          const q = queryTokens(word);
          if (q.length === 0) continue;
          const found = doc.some((_, j) => q.every((t, i) => {
            const d = doc[j + i];
            return d !== undefined && (t.prefix ? d.text.startsWith(t.text) : d.text === t.text);
          }));
          expect(found, `${JSON.stringify(word)} in ${JSON.stringify(text)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
