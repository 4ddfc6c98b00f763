// The same query table on PostgreSQL (tsvector/tsquery literals, ts_rank),
// through psql in a temporary table: both engines must find the same ids.
// Skipped, saying why, where no PostgreSQL answers (npm test must not need one).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../../src/mail/search/parse-search-query.js';
import { compileTsquery } from '../../../src/mail/search/postgres-search.js';
import { tsvectorLiteral } from '../../../src/storage/postgres/pg-tsvector.js';
import { indexedDocument, searchDocument } from '../../../src/mail/search/search-document.js';
import { CORPUS, QUERY_TABLE } from './search-corpus.js';

const PSQL_ARGS = ['-h', process.env.PGHOST ?? '127.0.0.1', '-U', process.env.PGUSER ?? 'postgres', '-d', process.env.PGDATABASE ?? 'postgres', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];

function psql(sql: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync('psql', PSQL_ARGS, { input: sql, encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.error ? String(r.error) : (r.stderr ?? '') };
}

const probe = psql('SELECT 1');
const unavailable = probe.ok ? null : `no PostgreSQL via psql (${probe.err.trim().split('\n')[0]})`;
if (unavailable) console.log(`postgres-search.test: skipped: ${unavailable}`);

// Lexemes are letters, digits and marks only, so this tag never occurs inside one.
const lit = (s: string) => `$chitbox$${s}$chitbox$`;

describe.skipIf(unavailable !== null)('PostgreSQL: the query table', () => {
  it('finds exactly the ids SQLite finds, with the same best match first', () => {
    const lines = [
      'CREATE TEMP TABLE docs (id int PRIMARY KEY, tsv tsvector);',
      ...CORPUS.map((m) => `INSERT INTO docs VALUES (${m.id}, ${lit(tsvectorLiteral(indexedDocument(searchDocument(m))))}::tsvector);`),
      ...QUERY_TABLE.map((row, i) => {
        const r = parseSearchQuery(row.q);
        if (!r.ok) throw new Error(row.q);
        const q = compileTsquery(r.query)!;
        return `SELECT ${i} || ':' || coalesce(string_agg(id::text, ',' ORDER BY ts_rank(tsv, ${lit(q)}::tsquery) DESC, id DESC), '') FROM docs WHERE tsv @@ ${lit(q)}::tsquery;`;
      }),
    ];
    const r = psql(lines.join('\n'));
    expect(r.err).not.toMatch(/ERROR/);
    const answers = new Map(r.out.trim().split('\n').map((l) => [Number(l.split(':')[0]), l.slice(l.indexOf(':') + 1)]));
    QUERY_TABLE.forEach((row, i) => {
      const ids = (answers.get(i) ?? '').split(',').filter(Boolean).map(Number);
      if (row.ranked) expect(ids, row.q).toEqual(row.ids);
      else expect([...ids].sort((a, b) => a - b), row.q).toEqual([...row.ids].sort((a, b) => a - b));
    });
    expect(answers.size).toBe(QUERY_TABLE.length);
  });

  it('quotes a lexeme so that quotes and backslashes stay inside it', () => {
    const q = compileTsquery({
      clauses: [{ kind: 'text', field: 'subject', text: '', phrase: false, negated: false, tokens: [{ text: "a'b\\c & !d", prefix: false }] }],
    })!;
    const r = psql(`SELECT ${lit(q)}::tsquery::text, ${lit("'a''b\\\\c & !d':1A")}::tsvector @@ ${lit(q)}::tsquery;`);
    expect(r.out.trim()).toBe(`'a''b\\\\c & !d':A|t`);
  });
});
