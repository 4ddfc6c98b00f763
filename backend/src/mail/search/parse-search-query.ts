// The search box's language (CONTRACT.md "Search, import and export"):
//   words            all must match, in any field
//   "a phrase"       these words, adjacent, in this order (an unclosed quote runs to the end)
//   -word, -"phrase", -from:x ...   must not match
//   word*            words starting with "word"
//   from: to: subject:   the word or "phrase" in that field
//   has:attachment  in:<folder>  is:unread|read|starred|unstarred
//   before:YYYY-MM-DD  after:YYYY-MM-DD   (YYYY/MM/DD too)
// Anything else is a word: `foo:bar`, `AND`, `NEAR`, `(` are text, never
// operators of the engine. The answer is a query or an `invalid` AppError.
import { AppError, invalid } from '../../shared/app-error.js';
import {
  MAX_QUERY_CHARS, MAX_QUERY_CLAUSES, type SearchClause, type SearchQuery, type TextField,
} from './search-query.js';
import { queryTokens } from './search-tokens.js';

export type ParseResult = { ok: true; query: SearchQuery } | { ok: false; error: AppError };

const OPERATORS = new Set(['from', 'to', 'subject', 'has', 'in', 'is', 'before', 'after']);
// Control, format and separator characters are spaces here, as they are
// between tokens in indexed text.
const SPACE_LIKE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const SPACE = /\s/u;

interface Lexeme {
  negated: boolean;
  /** an operator name, lower-case, when the word was `name:value` */
  operator: string | null;
  value: string;
  quoted: boolean;
  prefix: boolean;
}

export function parseSearchQuery(input: string): ParseResult {
  try {
    return { ok: true, query: parse(input) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err };
    throw err;
  }
}

function parse(input: string): SearchQuery {
  if (typeof input !== 'string') throw invalid('invalid_query', 'the query must be text');
  if (input.length > MAX_QUERY_CHARS) {
    throw invalid('query_too_long', `a search query has at most ${MAX_QUERY_CHARS} characters`);
  }
  const clauses: SearchClause[] = [];
  for (const lexeme of lex(input.replace(SPACE_LIKE, ' '))) {
    const clause = toClause(lexeme);
    if (clause) clauses.push(clause);
  }
  if (clauses.length === 0) {
    throw invalid('empty_query', 'type a word (letters or digits) or an operator such as from:, in: or is:unread');
  }
  if (clauses.length > MAX_QUERY_CLAUSES) {
    throw invalid('query_too_complex', `a search query has at most ${MAX_QUERY_CLAUSES} words and operators`);
  }
  return { clauses };
}

function* lex(text: string): Generator<Lexeme> {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && SPACE.test(text[i]!)) i++;
  };
  const readQuoted = () => {
    const close = text.indexOf('"', i + 1);
    const value = text.slice(i + 1, close === -1 ? text.length : close);
    i = close === -1 ? text.length : close + 1;
    return value;
  };
  const readWord = () => {
    const start = i;
    while (i < text.length && !SPACE.test(text[i]!) && text[i] !== '"') i++;
    return text.slice(start, i);
  };

  for (skipSpace(); i < text.length; skipSpace()) {
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !SPACE.test(text[i + 1]!)) {
      negated = true;
      i++;
    }
    if (text[i] === '"') {
      yield { negated, operator: null, value: readQuoted(), quoted: true, prefix: false };
      continue;
    }
    const word = readWord();
    const m = /^([A-Za-z]+):(.*)$/s.exec(word);
    const operator = m && OPERATORS.has(m[1]!.toLowerCase()) ? m[1]!.toLowerCase() : null;
    if (!operator) {
      yield { negated, operator: null, ...starred(word), quoted: false };
      continue;
    }
    let value = m![2]!;
    let quoted = false;
    if (value === '') {
      // `from:"Ann Lee"`, and `from: ann` as people type it.
      skipSpace();
      if (text[i] === '"') {
        value = readQuoted();
        quoted = true;
      } else if (i < text.length) {
        value = readWord();
      }
    }
    if (value === '' && !quoted) throw invalid('operator_needs_value', `${operator}: needs a value, e.g. ${example(operator)}`);
    yield { negated, operator, ...(quoted ? { value, prefix: false } : starred(value)), quoted };
  }
}

/** `word*` asks for a prefix. */
function starred(word: string): { value: string; prefix: boolean } {
  // The lookbehind starts the match only at the run's first star: linear in a long run of stars.
  const value = word.replace(/(?<!\*)\*+$/, '');
  return { value, prefix: value.length > 0 && value.length < word.length };
}

function toClause(l: Lexeme): SearchClause | null {
  switch (l.operator) {
    case null:
      return textClause('any', l);
    case 'from':
    case 'to':
    case 'subject':
      return textClause(l.operator, l);
    case 'has':
      if (!/^attachments?$/i.test(l.value)) throw invalid('invalid_operator', `has: takes "attachment", not "${shorten(l.value)}"`);
      return { kind: 'hasAttachment', value: !l.negated };
    case 'is':
      return flagClause(l);
    case 'in': {
      const name = l.value.trim();
      if (!name) throw invalid('operator_needs_value', `in: needs a folder name, e.g. ${example('in')}`);
      return { kind: 'folder', name, negated: l.negated };
    }
    case 'before':
    case 'after': {
      const date = calendarDate(l.value);
      if (!date) throw invalid('invalid_date', `${l.operator}: takes a date as YYYY-MM-DD, not "${shorten(l.value)}"`);
      const before = (l.operator === 'before') !== l.negated;
      return { kind: 'date', op: before ? 'before' : 'onOrAfter', date };
    }
    default:
      return null;
  }
}

function textClause(field: TextField, l: Lexeme): SearchClause | null {
  const tokens = queryTokens(l.value, { prefix: l.prefix });
  // Nothing to look for (`%`, `*`, `-`, `()`): the word is dropped.
  if (tokens.length === 0) return null;
  return { kind: 'text', field, text: l.value, phrase: l.quoted, negated: l.negated, tokens };
}

function flagClause(l: Lexeme): SearchClause {
  const flags: Record<string, { flag: 'read' | 'starred'; value: boolean }> = {
    read: { flag: 'read', value: true },
    unread: { flag: 'read', value: false },
    starred: { flag: 'starred', value: true },
    flagged: { flag: 'starred', value: true },
    unstarred: { flag: 'starred', value: false },
  };
  const f = flags[l.value.toLowerCase()];
  if (!f) throw invalid('invalid_operator', `is: takes unread, read, starred or unstarred, not "${shorten(l.value)}"`);
  return { kind: 'flag', flag: f.flag, value: f.value !== l.negated };
}

/** YYYY-MM-DD (or with slashes) when it names a real day, else null. */
function calendarDate(value: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

function example(operator: string): string {
  const examples: Record<string, string> = {
    from: 'from:alice@example.com', to: 'to:bob', subject: 'subject:"weekly report"', has: 'has:attachment',
    in: 'in:inbox', is: 'is:unread', before: 'before:2026-01-31', after: 'after:2026-01-01',
  };
  return examples[operator] ?? operator;
}

const shorten = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
