// The operators the search box offers (docs/search.md), with what each does.

export interface SearchOperator {
  /** what is put in the box */
  insert: string;
  about: string;
}

export const SEARCH_OPERATORS: readonly SearchOperator[] = [
  { insert: 'from:', about: 'sender name or address' },
  { insert: 'to:', about: 'a To or Cc name or address' },
  { insert: 'subject:', about: 'a word of the subject' },
  { insert: '"', about: 'an exact phrase: "big news"' },
  { insert: 'has:attachment', about: 'has an attachment' },
  { insert: 'is:unread', about: 'unread (is:read, is:starred)' },
  { insert: 'in:', about: 'in a folder: in:inbox, in:sent' },
  { insert: 'after:', about: 'sent on or after YYYY-MM-DD' },
  { insert: 'before:', about: 'sent before YYYY-MM-DD' },
  { insert: '-', about: 'leave out: -lunch, -from:ann' },
];

/** The query with `op` added at its end, separated by a space, ready for typing after it. */
export function withOperator(query: string, op: string): string {
  const base = query.trimEnd();
  return base ? `${base} ${op}` : op;
}
