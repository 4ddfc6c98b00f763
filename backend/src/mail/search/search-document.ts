import { indexText } from './search-tokens.js';

// What of a message is searchable, as natural text per indexed field. The
// engine modules tokenize it (fts5-search.ts, postgres-search.ts); the same
// texts feed highlighting.

export interface SearchableMessage {
  subject: string;
  fromName: string;
  fromEmail: string;
  to: ReadonlyArray<{ name?: string | null; address: string }>;
  cc?: ReadonlyArray<{ name?: string | null; address: string }>;
  bodyText: string;
  attachmentNames: readonly string[];
}

export interface SearchDocument {
  subject: string;
  /** from: the sender's name and address */
  sender: string;
  /** to: every To and Cc name and address */
  recipients: string;
  body: string;
  /** attachment file names, one per line */
  attachments: string;
}

/** Bodies past this many characters are not indexed (a cap on index size and indexing time per message). */
export const MAX_INDEXED_BODY_CHARS = 1_000_000;

export function searchDocument(m: SearchableMessage, maxBodyChars = MAX_INDEXED_BODY_CHARS): SearchDocument {
  const people = [...m.to, ...(m.cc ?? [])].map((a) => [a.name ?? '', a.address].join(' ').trim());
  return {
    subject: m.subject,
    sender: [m.fromName, m.fromEmail].join(' ').trim(),
    recipients: people.join('\n'),
    body: m.bodyText.length > maxBodyChars ? m.bodyText.slice(0, maxBodyChars) : m.bodyText,
    attachments: m.attachmentNames.join('\n'),
  };
}

/** A document as the index stores it: each field's tokens, separated by single spaces. */
export type IndexedDocument = Record<keyof SearchDocument, string>;

export function indexedDocument(doc: SearchDocument): IndexedDocument {
  return {
    subject: indexText(doc.subject),
    sender: indexText(doc.sender),
    recipients: indexText(doc.recipients),
    body: indexText(doc.body),
    attachments: indexText(doc.attachments),
  };
}
