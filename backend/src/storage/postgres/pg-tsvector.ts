// A message's tsvector on PostgreSQL, as a literal of its type (`$2::tsvector`):
// casting a literal runs no parser and no dictionary, so the lexemes are
// exactly the tokens the core's tokenizer put in the SearchText (one
// tokenizer for both engines), whatever the server's text search settings.
import type { SearchText } from '../mail-store.js';

/** A weight per field, so from:/to:/subject: ask for `'word':B` (the core's tsquery compiler); attachments share the body's. */
const WEIGHT: Record<keyof SearchText, 'A' | 'B' | 'C' | 'D'> = {
  subject: 'A', sender: 'B', recipients: 'C', body: 'D', attachments: 'D',
};
/** tsvector positions stop at 16383 and keep 256 per lexeme (PostgreSQL's limits). */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;
/** Fields are this far apart, so no phrase runs from the end of one into the next. */
const FIELD_GAP = 2;

/** ts_rank's weights, {D, C, B, A}: as the FTS5 index's bm25 weights, a word in the subject counts four times one in the body. */
export const TS_RANK_WEIGHTS = '{0.25, 0.25, 0.5, 1.0}';

/** `'word':1A,7D 'other':2A ...` from each field's tokens (separated by single spaces). */
export function tsvectorLiteral(text: SearchText): string {
  const positions = new Map<string, string[]>();
  let next = 1;
  for (const field of ['subject', 'sender', 'recipients', 'attachments', 'body'] as const) {
    for (const token of text[field] ? text[field].split(' ') : []) {
      const list = positions.get(token) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(next, MAX_POSITION)}${WEIGHT[field]}`);
      positions.set(token, list);
      next++;
    }
    next += FIELD_GAP;
  }
  return [...positions].map(([lexeme, list]) => `${quote(lexeme)}:${list.join(',')}`).join(' ');
}

/** A lexeme in single quotes: quotes doubled, backslashes escaped (tsvector input syntax). */
function quote(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
