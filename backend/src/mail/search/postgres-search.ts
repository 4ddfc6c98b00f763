// PostgreSQL full text: the tsvector of a message and a parsed query's
// tsquery, both as literals of their own types, bound as parameters
// (`tsv @@ $1::tsquery`, `$2::tsvector`). Casting a literal runs no parser
// and no dictionary, so the tokens are exactly search-tokens.ts's, as on
// SQLite, whatever the server's locale or text search configuration.
import type { SearchQuery, TextClause, TextField } from './search-query.js';
import type { SearchDocument } from './search-document.js';
import { indexTokens } from './search-tokens.js';

/** A weight per field, so from:/to:/subject: can be asked for as `'word':B`; attachments share the body's. */
const WEIGHT: Record<keyof SearchDocument, 'A' | 'B' | 'C' | 'D'> = {
  subject: 'A', sender: 'B', recipients: 'C', body: 'D', attachments: 'D',
};
const FIELD_WEIGHT: Record<Exclude<TextField, 'any'>, 'A' | 'B' | 'C'> = { subject: 'A', from: 'B', to: 'C' };
/** tsvector positions stop at 16383 and keep 256 per lexeme (PostgreSQL's limits). */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;
/** Fields are this far apart, so no phrase runs from the end of one into the next. */
const FIELD_GAP = 2;

/** `'word':1A,7D 'other':2A ...` for `$1::tsvector`. */
export function tsvectorLiteral(doc: SearchDocument): string {
  const positions = new Map<string, string[]>();
  let next = 1;
  for (const field of ['subject', 'sender', 'recipients', 'attachments', 'body'] as const) {
    for (const t of indexTokens(doc[field])) {
      const list = positions.get(t.text) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(next, MAX_POSITION)}${WEIGHT[field]}`);
      positions.set(t.text, list);
      next++;
    }
    next += FIELD_GAP;
  }
  return [...positions].map(([lexeme, list]) => `${quote(lexeme)}:${list.join(',')}`).join(' ');
}

/** The tsquery literal of the text clauses, negations included (`!`); null when the query has none. */
export function compileTsquery(query: SearchQuery): string | null {
  const parts = query.clauses.filter((c): c is TextClause => c.kind === 'text').map(tsqueryClause);
  return parts.length ? parts.join(' & ') : null;
}

function tsqueryClause(c: TextClause): string {
  const weight = c.field === 'any' ? '' : FIELD_WEIGHT[c.field];
  const lexemes = c.tokens.map((t) => `${quote(t.text)}${t.prefix || weight ? `:${t.prefix ? '*' : ''}${weight}` : ''}`);
  const term = lexemes.length === 1 ? lexemes[0]! : `(${lexemes.join(' <-> ')})`;
  return c.negated ? `!${term}` : term;
}

/** A lexeme in single quotes: quotes doubled, backslashes escaped (tsvector/tsquery input syntax). */
function quote(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
