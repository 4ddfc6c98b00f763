// PostgreSQL full text: a parsed query's tsquery, as a literal of its type,
// bound as a parameter (`tsv @@ $1::tsquery`). Casting a literal runs no
// parser and no dictionary, so the tokens are exactly search-tokens.ts's, as
// on SQLite, whatever the server's locale or text search configuration. The
// engine writes each message's tsvector the same way (storage/postgres/pg-tsvector.ts).
import type { SearchQuery, TextClause, TextField } from './search-query.js';

/** The weights the PostgreSQL engine gives these fields' words in its tsvector (storage/postgres/pg-tsvector.ts). */
const FIELD_WEIGHT: Record<Exclude<TextField, 'any'>, 'A' | 'B' | 'C'> = { subject: 'A', from: 'B', to: 'C' };

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
