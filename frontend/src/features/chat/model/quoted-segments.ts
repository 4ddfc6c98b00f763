// A message body cut into what the bubble shows and what sits behind the
// "…" toggle, from the server's quotedRanges (the server decides once, so
// every client folds the same characters). Ranges that do not fit the text
// (a client newer or older than the server) are dropped, never trusted.
import type { QuotedRangeDto } from '@contracts/api';

export interface BodySegment {
  text: string;
  folded: boolean;
}

export function splitQuoted(text: string, ranges: readonly QuotedRangeDto[] | undefined): BodySegment[] {
  const usable = (ranges ?? [])
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= text.length && r.start < r.end)
    .slice()
    .sort((a, b) => a.start - b.start);
  const segments: BodySegment[] = [];
  let at = 0;
  for (const r of usable) {
    if (r.start < at) continue; // overlapping: keep the first
    if (r.start > at) segments.push({ text: text.slice(at, r.start), folded: false });
    segments.push({ text: text.slice(r.start, r.end), folded: true });
    at = r.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), folded: false });
  return segments;
}

/** The bubble's words: the unfolded text without the white space around it. */
export function newWords(text: string, ranges: readonly QuotedRangeDto[] | undefined): string {
  return splitQuoted(text, ranges)
    .filter((s) => !s.folded)
    .map((s) => s.text)
    .join('')
    .trim();
}

export function hasFolded(text: string, ranges: readonly QuotedRangeDto[] | undefined): boolean {
  return splitQuoted(text, ranges).some((s) => s.folded);
}
