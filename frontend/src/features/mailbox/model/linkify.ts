// Splits plain text into text and link segments so React can render links as
// elements: nothing from the mail is ever parsed as HTML. Only http(s) and
// mailto targets become links.

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const CANDIDATE = /(?:https?:\/\/|www\.)[^\s<>"'`]+|mailto:[^\s<>"'`]+|[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const candidate = trimTrailingPunctuation(match[0]);
    const href = hrefFor(candidate);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return mergeAdjacentText(segments);
}

/** "see https://x.org/a)." → "https://x.org/a": sentence punctuation is not part of a URL. */
function trimTrailingPunctuation(candidate: string): string {
  let end = candidate.length;
  while (end > 0) {
    const ch = candidate[end - 1]!;
    if ('.,;:!?\'"'.includes(ch)) end--;
    else if (ch === ')' && count(candidate.slice(0, end), '(') < count(candidate.slice(0, end), ')')) end--;
    else if (ch === ']' && count(candidate.slice(0, end), '[') < count(candidate.slice(0, end), ']')) end--;
    else if (ch === '>' ) end--;
    else break;
  }
  return candidate.slice(0, end);
}

function hrefFor(candidate: string): string | null {
  let raw = candidate;
  if (/^www\./i.test(raw)) raw = `https://${raw}`;
  else if (!/^(?:https?|mailto):/i.test(raw)) raw = `mailto:${raw}`;
  try {
    const url = new URL(raw);
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
    if (url.protocol !== 'mailto:' && !url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function mergeAdjacentText(segments: TextSegment[]): TextSegment[] {
  const out: TextSegment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (s.kind === 'text' && prev?.kind === 'text') prev.text += s.text;
    else out.push({ ...s });
  }
  return out;
}
