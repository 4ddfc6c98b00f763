// A one-line preview of a body for lists: white space collapsed to single
// spaces, trimmed, at most SNIPPET_LENGTH characters (an ellipsis ends a cut).
export const SNIPPET_LENGTH = 160;

// What /\s/ matches (ECMAScript WhiteSpace and LineTerminator).
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * The same as `text.replace(/\s+/g, ' ').trim()` cut to SNIPPET_LENGTH, in one
 * pass that stops once the preview is full: it runs for every stored copy, and
 * the regular expression over the start of the body cost more than parsing
 * the rest of a small message's headers.
 */
export function snippetOf(text: string): string {
  let out = '';
  let runStart = -1; // start of the current run of non-space characters
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (runStart >= 0) {
        out += text.slice(runStart, i);
        runStart = -1;
        pendingSpace = true;
        if (out.length > SNIPPET_LENGTH) break;
      }
      continue;
    }
    if (runStart < 0) {
      if (pendingSpace) out += ' ';
      pendingSpace = false;
      runStart = i;
      // A single very long word is cut without scanning all of it.
    } else if (out.length + (i - runStart) > SNIPPET_LENGTH) {
      out += text.slice(runStart, i + 1);
      runStart = -1;
      break;
    }
  }
  if (runStart >= 0) out += text.slice(runStart);
  return out.length > SNIPPET_LENGTH ? `${out.slice(0, SNIPPET_LENGTH - 1)}…` : out;
}
