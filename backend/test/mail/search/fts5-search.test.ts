// The query layer on a real SQLite FTS5 table in a throwaway database file:
// every query of the shared table finds exactly its ids, phrases differ from
// words, bm25 ranks, German/Russian/Japanese/Chinese/Korean are found, the
// highlight marks what FTS5 itself marks, and no input breaks the MATCH.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFts5, fts5CreateTableSql, fts5RankSql, fts5Row, FTS5_COLUMNS } from '../../../src/mail/search/fts5-search.js';
import { highlightHtml, highlightSnippet, highlightTerms, markRanges, fts5MarkedToHtml } from '../../../src/mail/search/highlight.js';
import { parseSearchQuery } from '../../../src/mail/search/parse-search-query.js';
import { searchDocument } from '../../../src/mail/search/search-document.js';
import type { SearchQuery } from '../../../src/mail/search/search-query.js';
import { CORPUS, QUERY_TABLE } from './search-corpus.js';

let dir: string;
let db: Database.Database;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-fts5-'));
  db = new Database(path.join(dir, 'search.db'));
  db.exec(fts5CreateTableSql('message_search'));
  const insert = db.prepare(`INSERT INTO message_search (rowid, ${FTS5_COLUMNS.join(', ')}) VALUES (?, ${FTS5_COLUMNS.map(() => '?').join(', ')})`);
  for (const m of CORPUS) {
    const row = fts5Row(searchDocument(m));
    insert.run(m.id, ...FTS5_COLUMNS.map((c) => row[c]));
  }
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function parsed(q: string): SearchQuery {
  const r = parseSearchQuery(q);
  if (!r.ok) throw new Error(`${q}: ${r.error.message}`);
  return r.query;
}

/** What a storage engine will run: MATCH bound as a parameter, best first, then newest (here: highest id). */
function search(q: string): number[] {
  const { match, exclude } = compileFts5(parsed(q));
  if (match) {
    return db
      .prepare(`SELECT rowid AS id FROM message_search WHERE message_search MATCH ? ORDER BY ${fts5RankSql('message_search')}, rowid DESC`)
      .all(match)
      .map((r) => (r as { id: number }).id);
  }
  const excluded = new Set(
    exclude ? db.prepare('SELECT rowid AS id FROM message_search WHERE message_search MATCH ?').all(exclude).map((r) => (r as { id: number }).id) : [],
  );
  return CORPUS.map((m) => m.id).filter((id) => !excluded.has(id)).reverse();
}

describe('FTS5: the query table', () => {
  it.each(QUERY_TABLE)('$q finds $ids ($why)', ({ q, ids, ranked }) => {
    const found = search(q);
    if (ranked) expect(found).toEqual(ids);
    else expect([...found].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
  });

  it('a negation alone lists everything else', () => {
    expect(search('-news').sort((a, b) => a - b)).toEqual([1, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('FTS5: ranking', () => {
  it('a subject match ranks above a body match, and more matches above fewer', () => {
    expect(search('news')[0]).toBe(3);
    expect(search('invoice')).toEqual([1, 2]);
  });

  it('equal scores fall back to the tie-break (newest first)', () => {
    expect(search('stays')).toEqual([12, 11]);
  });
});

describe('highlight', () => {
  const body = (id: number) => CORPUS.find((m) => m.id === id)!.bodyText;
  const html = (q: string, text: string, field: 'body' | 'subject' | 'from' = 'body') =>
    highlightHtml({ text, marks: markRanges(text, highlightTerms(parsed(q)), field) });

  it('marks the matched words, phrases and folded forms', () => {
    expect(html('invoice', body(1))).toBe('Your <mark>invoice</mark> for November is attached.');
    expect(html('"big news"', body(2))).toBe('Shall we discuss the invoice over lunch? <mark>Big news</mark> too.');
    expect(html('grusse hauptstrasse', body(5))).toContain('<mark>Grüße</mark> aus der <mark>Hauptstraße</mark>.');
    expect(html('счет', body(6))).toBe('Добрый день! Высылаю <mark>счёт</mark> за октябрь. Ёлка уже стоит.');
    expect(html('invoi*', body(2))).toContain('the <mark>invoice</mark> over');
  });

  it('marks CJK words inside runs, one character by itself', () => {
    expect(html('京都', body(7))).toBe('東<mark>京都</mark>で会議を行いました。次回は大阪です。');
    expect(html('"東京都で会議"', body(7))).toBe('<mark>東京都で会議</mark>を行いました。次回は大阪です。');
    expect(html('阪', body(7))).toBe('東京都で会議を行いました。次回は大<mark>阪</mark>です。');
    expect(html('北京 项目', body(8))).toBe('我们在<mark>北京</mark>开会。<mark>项目</mark>进展顺利。');
  });

  it('operator words mark only their own field; negated words mark nothing', () => {
    expect(html('from:ann news', 'news from ann', 'body')).toBe('<mark>news</mark> from ann');
    expect(html('from:ann news', 'Ann Lee', 'from')).toBe('<mark>Ann</mark> Lee');
    expect(html('news -big', 'big news')).toBe('big <mark>news</mark>');
  });

  it('escapes the text and adds nothing but <mark>', () => {
    const text = '<img src=x onerror=alert(1)> & "invoice" \'quoted\'';
    expect(html('invoice', text)).toBe('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;<mark>invoice</mark>&#34; &#39;quoted&#39;');
    expect(html('img', text)).toBe('&#60;<mark>img</mark> src=x onerror=alert(1)&#62; &#38; &#34;invoice&#34; &#39;quoted&#39;');
  });

  it('cuts a snippet around the first match', () => {
    const long = `${'filler words here '.repeat(30)}the invoice is attached\n\n  and more ${'tail '.repeat(50)}`;
    const h = highlightSnippet(long, highlightTerms(parsed('invoice')), 'body', { maxChars: 80 });
    expect(h.text.startsWith('…')).toBe(true);
    expect(h.text.endsWith('…')).toBe(true);
    expect(h.text.length).toBeLessThanOrEqual(82);
    expect(h.marks).toHaveLength(1);
    expect(h.text.slice(h.marks[0]![0], h.marks[0]![1])).toBe('invoice');
    expect(h.text).toContain('attached and more');
    const none = highlightSnippet('no match at all', highlightTerms(parsed('invoice')), 'body');
    expect(none).toEqual({ text: 'no match at all', marks: [] });
  });

  it('marks the same words as FTS5 highlight() and snippet() on a table of natural text', () => {
    db.exec(`CREATE VIRTUAL TABLE natural USING fts5(${FTS5_COLUMNS.join(', ')}, tokenize = 'unicode61 remove_diacritics 2')`);
    const insert = db.prepare(`INSERT INTO natural (rowid, ${FTS5_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?)`);
    for (const m of CORPUS) {
      const d = searchDocument(m);
      insert.run(m.id, ...FTS5_COLUMNS.map((c) => d[c]));
    }
    // Queries whose words unicode61 folds the way search-tokens.ts does.
    const cases = ['invoice', '"big news"', 'news', 'rechnung', 'grüße', 'октябрь', 'ёлка', 'growth'];
    let compared = 0;
    for (const q of cases) {
      const rows = db
        .prepare(`SELECT rowid AS id, highlight(natural, 3, char(2), char(3)) AS h FROM natural WHERE natural MATCH ?`)
        .all(compileFts5(parsed(q)).match) as Array<{ id: number; h: string }>;
      for (const row of rows) {
        expect(html(q, body(row.id)), `${q} in message ${row.id}`).toBe(fts5MarkedToHtml(row.h));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
    const snippet = db
      .prepare(`SELECT snippet(natural, 3, char(2), char(3), '…', 6) AS s FROM natural WHERE natural MATCH ?`)
      .get('"november"') as { s: string };
    expect(fts5MarkedToHtml(snippet.s)).toBe('Your invoice for <mark>November</mark> is attached.');
  });

  it('turns FTS5 sentinels into marks safely, whatever the text holds', () => {
    expect(fts5MarkedToHtml('a \u0002<b>\u0003 c')).toBe('a <mark>&#60;b&#62;</mark> c');
    expect(fts5MarkedToHtml('\u0003x\u0002y')).toBe('x<mark>y</mark>');
  });
});

describe('FTS5: nothing a user types breaks or steers the MATCH', () => {
  const hostile = fc.constantFrom(
    '"', '""', "'", '%', '_', '*', '(', ')', '-', ':', '^', '+', '{', '}', 'NEAR', 'NEAR/2', 'AND', 'OR', 'NOT',
    'from:', 'subject:', 'body:', 'rowid:', '\u0000', '\u0002', '\u2063', '\ud800', '京', 'é', ' ', '\n', 'a', '1',
  );
  const query = fc.oneof(
    fc.array(hostile, { maxLength: 30 }).map((parts) => parts.join('')),
    fc.array(fc.oneof(hostile, fc.string({ unit: 'grapheme' })), { maxLength: 12 }).map((p) => p.join(' ')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  // Outside the double-quoted strings only our own syntax may appear.
  const OWN_SYNTAX = /^(?:\s|\(|\)|AND|OR|NOT|\*|subject :|sender :|recipients :)*$/;

  it('parses to a query or an invalid error; the compiled MATCH runs and is only quoted strings and our operators', () => {
    const run = db.prepare('SELECT count(*) AS n FROM message_search WHERE message_search MATCH ?');
    fc.assert(
      fc.property(query, (q) => {
        const r = parseSearchQuery(q);
        if (!r.ok) {
          expect(r.error.kind).toBe('invalid');
          expect(['empty_query', 'query_too_long', 'query_too_complex', 'operator_needs_value', 'invalid_operator', 'invalid_date']).toContain(r.error.code);
          return;
        }
        const { match, exclude } = compileFts5(r.query);
        for (const m of [match, exclude]) {
          if (m === null) continue;
          expect(m.replace(/"(?:[^"]|"")*"/g, '')).toMatch(OWN_SYNTAX);
          run.get(m);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a 5 KB query with query_too_long', () => {
    const r = parseSearchQuery('a'.repeat(5 * 1024));
    expect(r.ok ? null : r.error.code).toBe('query_too_long');
  });
});
