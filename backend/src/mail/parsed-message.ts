// The plain-object view of a message that the rest of ChitBox works with.
import type { IndexedDocument } from './search/search-document.js';

export interface MailAddress {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  /** without angle brackets */
  contentId: string | null;
  content: Buffer;
  /** sha256 (hex) of content, computed by the parser while it decoded the part */
  sha256: string;
}

export interface ParsedMessage {
  /** RFC 5322 ids without angle brackets */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  /** null when the Date header is missing or invalid */
  date: Date | null;
  text: string;
  /** the original, unsanitised HTML body (sanitise before serving) */
  html: string | null;
  attachments: ParsedAttachment[];
  /** set when the parser gave up and fields are best-effort from the headers */
  parseError: string | null;
  /** the searchable text, tokenized (search/message-search-text.ts), when the parse thread made it */
  searchText?: IndexedDocument;
}
