// Parsing plus HTML sanitising: the CPU-heavy part of taking in a message,
// done once per message.
import { parseMessage } from './parse-message.js';
import type { ParsedMessage } from './parsed-message.js';
import { sanitizeHtml } from './sanitize-html.js';

export interface PreparedMessage {
  parsed: ParsedMessage;
  /** parsed.html sanitised ('' for mail without HTML) */
  safeHtml: string;
}

export async function prepareMessage(raw: Buffer): Promise<PreparedMessage> {
  const parsed = await parseMessage(raw);
  return { parsed, safeHtml: parsed.html ? sanitizeHtml(parsed.html) : '' };
}
