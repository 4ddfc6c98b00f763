// searchMessages: the search box's query (mail/search/ parses it into a tree
// and compiles it; nothing typed is ever SQL or FTS syntax), run by the
// store on its full-text index, best match first, then newest; each result
// with the matching words marked.
import { compileFts5 } from '../mail/search/fts5-search.js';
import { highlightHtml, highlightSnippet, highlightTerms, markRanges, type HighlightTerm } from '../mail/search/highlight.js';
import { parseSearchQuery } from '../mail/search/parse-search-query.js';
import type { SearchQuery } from '../mail/search/search-query.js';
import { searchFilters } from '../mail/search/search-filters.js';
import { invalid, tempFail } from '../shared/app-error.js';
import { SEARCH_BODY_HEAD_CHARS, type MailStore, type SearchHitRecord, type SearchSpec } from '../storage/mail-store.js';
import type { MessageSummaryRecord } from '../storage/records.js';

export interface SearchDeps {
  store: Pick<MailStore, 'messages'>;
}

/** Each field as safe HTML: the text escaped, the matching words in <mark>. */
export interface SearchHighlight {
  subject: string;
  from: string;
  /** a window of the body around its first match */
  snippet: string;
  /** the attachment names that match */
  attachments: string[];
}

export interface SearchResultRecord extends MessageSummaryRecord {
  highlight: SearchHighlight;
}

/** Results further down than this are not paged to: the query needs narrowing. */
export const MAX_SEARCH_OFFSET = 5000;

export async function searchMessages(
  deps: SearchDeps, userId: number, q: string, page: { limit: number; cursor: string | null },
): Promise<{ items: SearchResultRecord[]; nextCursor: string | null }> {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw parsed.error;
  const offset = page.cursor === null ? 0 : decodeOffset(page.cursor);
  const spec = searchSpec(parsed.query);
  if (!spec) return { items: [], nextCursor: null };
  let found: { hits: SearchHitRecord[]; more: boolean };
  try {
    found = await deps.store.messages.search(userId, spec, offset, page.limit);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'search_timeout') {
      throw tempFail('search_timeout', 'The search took too long: add words or operators (from:, in:, after:) to narrow it');
    }
    throw err;
  }
  const terms = highlightTerms(parsed.query);
  const next = offset + found.hits.length;
  return {
    items: found.hits.map((hit) => withHighlight(hit, terms)),
    nextCursor: found.more && next < MAX_SEARCH_OFFSET ? encodeOffset(next) : null,
  };
}

/** null when the query can match nothing (is:read is:unread). */
function searchSpec(query: SearchQuery): SearchSpec | null {
  const { impossible, ...filters } = searchFilters(query);
  if (impossible) return null;
  const { match, exclude } = compileFts5(query);
  return { ...filters, fts5Match: match, fts5Exclude: exclude };
}

function withHighlight(hit: SearchHitRecord, terms: HighlightTerm[]): SearchResultRecord {
  const { to: _to, cc: _cc, bodyHead, attachmentNames, ...summary } = hit;
  const marked = (text: string, field: 'subject' | 'from' | 'attachments') =>
    highlightHtml({ text, marks: markRanges(text, terms, field) });
  const from = hit.fromName ? `${hit.fromName} <${hit.fromEmail}>` : hit.fromEmail;
  return {
    ...summary,
    highlight: {
      subject: marked(hit.subject, 'subject'),
      from: marked(from, 'from'),
      snippet: highlightHtml(highlightSnippet(bodyHead, terms, 'body', { scanChars: SEARCH_BODY_HEAD_CHARS })),
      attachments: attachmentNames
        .filter((name) => markRanges(name, terms, 'attachments').length > 0)
        .map((name) => marked(name, 'attachments')),
    },
  };
}

// A page of ranked results is a place in the ranking: the cursor is an offset
// (ranks have no stable key to seek to), opaque to the client.
function encodeOffset(offset: number): string {
  return Buffer.from(`s:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string): number {
  const m = /^s:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const offset = m ? Number(m[1]) : NaN;
  if (!(offset >= 0 && offset < MAX_SEARCH_OFFSET)) throw invalid('invalid_cursor', 'cursor is not one this search gave');
  return offset;
}
