// SQLite FTS5: the index table, its rows, and a parsed query's MATCH string.
// Every token reaches FTS5 inside a double-quoted string, so nothing a user
// types is ever an FTS5 operator, column name or syntax error; the string is
// bound as a parameter (`WHERE message_search MATCH ?`), never pasted into SQL.
import type { SearchQuery, TextClause, TextField } from './search-query.js';
import { indexedDocument, type SearchDocument } from './search-document.js';

/** The indexed columns, in table order. */
export const FTS5_COLUMNS = ['subject', 'sender', 'recipients', 'body', 'attachments'] as const satisfies ReadonlyArray<keyof SearchDocument>;
export type Fts5Column = (typeof FTS5_COLUMNS)[number];

/** bm25() weights in column order: a word in the subject counts four times one in the body. */
export const FTS5_BM25_WEIGHTS = [4, 2, 1, 1, 2] as const;

/** The ORDER BY expression for a table named `table`: best first (bm25 is lower for better matches). */
export function fts5RankSql(table: string): string {
  return `bm25(${identifier(table)}, ${FTS5_BM25_WEIGHTS.join(', ')})`;
}

/**
 * The table, rowid = the message id. search-tokens.ts has already split and
 * folded the text, so FTS5's `ascii` tokenizer only splits on the spaces it
 * put there (non-ASCII characters are token characters for it). Contentless:
 * the text lives in the messages table, highlighting is done from it
 * (highlight.ts); contentless_delete lets a deleted message leave the index
 * (SQLite 3.43+).
 */
export function fts5CreateTableSql(table: string): string {
  return `CREATE VIRTUAL TABLE ${identifier(table)} USING fts5(${FTS5_COLUMNS.join(', ')}, `
    + `tokenize = 'ascii', content = '', contentless_delete = 1)`;
}

/** The column values of a message's row (insert with rowid = message id). */
export function fts5Row(doc: SearchDocument): Record<Fts5Column, string> {
  return indexedDocument(doc);
}

export interface Fts5Match {
  /** for `table MATCH ?`; null when the query has no positive text clause */
  match: string | null;
  /**
   * Only when `match` is null and there are negated words: the message must
   * not be among `rowid IN (SELECT rowid FROM table WHERE table MATCH ?)`
   * (FTS5's NOT needs something on its left).
   */
  exclude: string | null;
}

const FIELD_COLUMN: Record<Exclude<TextField, 'any'>, Fts5Column> = { subject: 'subject', from: 'sender', to: 'recipients' };

export function compileFts5(query: SearchQuery): Fts5Match {
  const text = query.clauses.filter((c): c is TextClause => c.kind === 'text');
  const positive = text.filter((c) => !c.negated).map(fts5Clause);
  const negative = text.filter((c) => c.negated).map(fts5Clause);
  if (positive.length === 0) return { match: null, exclude: negative.length ? negative.join(' OR ') : null };
  const all = positive.length === 1 ? positive[0]! : `(${positive.join(' AND ')})`;
  return { match: negative.length ? `${all} NOT (${negative.join(' OR ')})` : all, exclude: null };
}

function fts5Clause(c: TextClause): string {
  const last = c.tokens[c.tokens.length - 1]!;
  const phrase = `"${c.tokens.map((t) => t.text.replace(/"/g, '""')).join(' ')}"${last.prefix ? ' *' : ''}`;
  return c.field === 'any' ? phrase : `${FIELD_COLUMN[c.field]} : ${phrase}`;
}

function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
}
