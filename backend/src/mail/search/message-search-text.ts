// A parsed message's searchable text, tokenized for the index: computed on
// the parse thread beside the parse, so delivery does not pay for it on the
// thread that serves SMTP and HTTP.
import type { ParsedMessage } from '../parsed-message.js';
import { indexedDocument, searchDocument, type IndexedDocument } from './search-document.js';

/** `envelopeFrom` stands in for a missing From address, as the stored copy does. */
export function messageSearchText(p: ParsedMessage, envelopeFrom = ''): IndexedDocument {
  return indexedDocument(searchDocument({
    subject: p.subject,
    fromName: p.from.name,
    fromEmail: p.from.address || envelopeFrom,
    to: p.to,
    cc: p.cc,
    bodyText: p.text,
    attachmentNames: p.attachments.map((a) => a.filename),
  }));
}
