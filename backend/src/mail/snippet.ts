// A one-line preview of a body for lists.
export const SNIPPET_LENGTH = 160;
// Only the start of a body is looked at: collapsing the white space of a
// whole long body cost more than the rest of storing a small message.
const SCAN_CHARS = 1024;

export function snippetOf(text: string): string {
  let line = text.slice(0, SCAN_CHARS).replace(/\s+/g, ' ').trim();
  // A start that is nearly all white space: look at the whole body after all.
  if (line.length < SNIPPET_LENGTH && text.length > SCAN_CHARS) line = text.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH - 1)}…` : line;
}
