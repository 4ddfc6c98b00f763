// Marking the words a query matched, for the web: a highlight is plain text
// plus [start, end) ranges; HTML is made only by highlightHtml, which escapes
// the text first and adds nothing but <mark> and </mark>. Matching uses the
// tokenizer of the index, so what is marked is what was found.
import type { QueryToken, SearchQuery, TextClause, TextField } from './search-query.js';
import { indexTokens, type IndexToken } from './search-tokens.js';

/** The fields a highlight can be asked for; from:/to:/subject: words mark only their own field. */
export type HighlightField = 'subject' | 'from' | 'to' | 'body' | 'attachments';

export interface HighlightTerm {
  field: TextField;
  tokens: readonly QueryToken[];
}

export interface Highlight {
  text: string;
  /** sorted, non-overlapping [start, end) UTF-16 offsets into `text` */
  marks: Array<[number, number]>;
}

/** The positive text clauses of a query: what a highlight marks. */
export function highlightTerms(query: SearchQuery): HighlightTerm[] {
  return query.clauses
    .filter((c): c is TextClause => c.kind === 'text' && !c.negated)
    .map((c) => ({ field: c.field, tokens: c.tokens }));
}

/** Where in `text` the terms that apply to `field` match. */
export function markRanges(text: string, terms: readonly HighlightTerm[], field: HighlightField): Array<[number, number]> {
  const applicable = terms.filter((t) => t.field === 'any' || t.field === field);
  if (applicable.length === 0 || text.length === 0) return [];
  const doc = indexTokens(text);
  const ranges: Array<[number, number]> = [];
  for (const term of applicable) {
    const k = term.tokens.length;
    for (let j = 0; j + k <= doc.length; j++) {
      if (!term.tokens.every((q, i) => tokenMatches(q, doc[j + i]!))) continue;
      // A phrase is one mark, the spaces between its words included (as FTS5's highlight() does).
      ranges.push([doc[j]!.start, range(term.tokens[k - 1]!, doc[j + k - 1]!)[1]]);
    }
  }
  return merge(ranges);
}

/**
 * A window of about `maxChars` of `text` (whitespace runs folded to one
 * space) around its first match, with the matches marked; the start of the
 * text when nothing in the first `scanChars` matches.
 */
export function highlightSnippet(
  text: string, terms: readonly HighlightTerm[], field: HighlightField,
  opts: { maxChars?: number; scanChars?: number } = {},
): Highlight {
  const maxChars = opts.maxChars ?? 160;
  const flat = text.slice(0, opts.scanChars ?? 200_000).replace(/\s+/g, ' ').trim();
  const marks = markRanges(flat, terms, field);
  let start = 0;
  if (marks.length > 0 && marks[0]![1] > maxChars) {
    // Some words before the first match, starting at a word.
    start = Math.max(0, marks[0]![0] - Math.floor(maxChars / 4));
    const space = flat.indexOf(' ', start);
    if (space !== -1 && space < marks[0]![0]) start = space + 1;
  }
  let end = Math.min(flat.length, start + maxChars);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start && (marks.length === 0 || space >= marks[0]![1])) end = space;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const shift = prefix.length - start;
  return {
    text: prefix + flat.slice(start, end) + suffix,
    marks: marks
      .filter(([s, e]) => s >= start && e <= end)
      .map(([s, e]) => [s + shift, e + shift] as [number, number]),
  };
}

/** Escaped text with <mark> around the marked ranges: safe to put in a page as HTML. */
export function highlightHtml(h: Highlight): string {
  let out = '';
  let at = 0;
  for (const [s, e] of h.marks) {
    if (s < at || e <= s || e > h.text.length) continue;
    out += `${escapeHtml(h.text.slice(at, s))}<mark>${escapeHtml(h.text.slice(s, e))}</mark>`;
    at = e;
  }
  return out + escapeHtml(h.text.slice(at));
}

/**
 * FTS5 highlight()/snippet() output made with `open`/`close` sentinels (e.g.
 * highlight(t, 3, char(2), char(3))) turned into safe HTML: the text is
 * escaped, the sentinels become <mark>, unbalanced ones are dropped.
 */
export function fts5MarkedToHtml(marked: string, open = '\u0002', close = '\u0003'): string {
  let out = '';
  let inside = false;
  let piece = '';
  const flush = () => {
    out += escapeHtml(piece);
    piece = '';
  };
  for (const ch of marked) {
    if (ch === open && !inside) {
      flush();
      out += '<mark>';
      inside = true;
    } else if (ch === close && inside) {
      flush();
      out += '</mark>';
      inside = false;
    } else if (ch !== open && ch !== close) piece += ch;
  }
  flush();
  return inside ? `${out}</mark>` : out;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tokenMatches(q: QueryToken, d: IndexToken): boolean {
  return q.prefix ? d.text.startsWith(q.text) : d.text === q.text;
}

/** A CJK prefix of one character marks that character, not the bigram it starts. */
function range(q: QueryToken, d: IndexToken): [number, number] {
  if (q.prefix && d.cjk) return [d.start, Math.min(d.end, d.start + q.text.length)];
  return [d.start, d.end];
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
