// The parsed form of a search box query (docs/search.md). A query is a list
// of clauses that must all hold; nothing in it is SQL or FTS syntax: the
// compilers (fts5-query.ts, tsquery.ts, search-filters.ts) turn it into
// quoted match strings and bound parameters.

/** Where a text clause looks: every indexed field, or one of the operators' fields. */
export type TextField = 'any' | 'subject' | 'from' | 'to';

/** One indexed token of the query, as search-tokens.ts makes them. */
export interface QueryToken {
  text: string;
  /** matches every indexed token that starts with `text` (a trailing `*`, or one CJK character) */
  prefix: boolean;
}

/** A word, a "phrase" or an operator's text (from:, to:, subject:): its tokens must appear in this order, adjacent. */
export interface TextClause {
  kind: 'text';
  field: TextField;
  /** what the user typed, for messages and highlighting */
  text: string;
  /** typed in double quotes */
  phrase: boolean;
  negated: boolean;
  /** never empty: a word without any letter or digit (`%`, `*`, `(`) is dropped by the parser */
  tokens: readonly QueryToken[];
}

/** in:<folder>: the folder's name or kind (inbox, sent, ...), compared case-insensitively */
export interface FolderClause {
  kind: 'folder';
  name: string;
  negated: boolean;
}

/** is:read / is:unread / is:starred / is:unstarred, negation already folded into `value` */
export interface FlagClause {
  kind: 'flag';
  flag: 'read' | 'starred';
  value: boolean;
}

export interface AttachmentClause {
  kind: 'hasAttachment';
  value: boolean;
}

/**
 * before:D is "sent before D 00:00 UTC", after:D is "sent on or after D 00:00
 * UTC", so `after:D before:D+1` is the day D; negation turns one into the other.
 */
export interface DateClause {
  kind: 'date';
  op: 'before' | 'onOrAfter';
  /** YYYY-MM-DD, a real calendar date */
  date: string;
}

export type SearchClause = TextClause | FolderClause | FlagClause | AttachmentClause | DateClause;

export interface SearchQuery {
  /** all must hold; never empty */
  clauses: readonly SearchClause[];
}

export const MAX_QUERY_CHARS = 1000;
export const MAX_QUERY_CLAUSES = 32;
