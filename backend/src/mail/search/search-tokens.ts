// The one tokenizer of search, used for the index and for queries alike, on
// SQLite and on PostgreSQL (docs/search.md "Design"). The engines only split
// what it produces on spaces, so both find exactly the same messages, whatever
// their Unicode tables or locale.
//
// A token is a run of letters, digits and marks (FTS5 unicode61's token
// characters "L* N* Co" plus marks), NFKC-folded, lower-cased, Latin
// and Greek accents removed (Müller = muller, as unicode61 remove_diacritics), ß = ss,
// ё = е (Russian is mostly typed without the dots).
// Chinese, Japanese and Korean are written without spaces, so their runs are
// cut into overlapping bigrams (東京都 -> 東京 京都) and the run's last
// character is a token of its own, marked with RUN_END (都⁣): every character
// of a run starts exactly one token, so one character finds its word by
// prefix, two or more by bigrams, and phrases line up position by position.
import type { QueryToken } from './search-query.js';

/** Ends the last token of a CJK run; never inside a word token (it is not a letter, digit or mark). */
export const RUN_END = '\u2063';
/** Longer tokens (base64 lines, hashes) are cut: the index stays small, the query is cut the same way. */
export const MAX_TOKEN_CHARS = 64;

export interface IndexToken {
  text: string;
  /** UTF-16 offsets in the original text, for highlighting */
  start: number;
  end: number;
  /** a bigram or run end of Chinese, Japanese or Korean text */
  cjk: boolean;
}

const WORD_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const ASCII_WORD = /^[A-Za-z0-9]+$/;
const TOKEN_CHAR = /^[\p{L}\p{N}\p{M}\p{Co}]$/u;
const MARK = /^\p{M}$/u;
// Accents are dropped from Latin and Greek letters only: elsewhere a mark
// makes another letter (й, が).
const ACCENTED_SCRIPT = /^[\p{Script=Latin}\p{Script=Greek}]/u;
const MARKS = /\p{M}/gu;
const ACCENTED_WITH_MARKS = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
const WHOLE_WORD = /^[\p{L}\p{N}\p{M}\p{Co}]+$/u;
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005-\u3007\u30fc]/u;
const CJK_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005-\u3007\u30fc]$/u;

interface Piece {
  ch: string;
  start: number;
  end: number;
}
interface Segment {
  cjk: boolean;
  pieces: Piece[];
}

/** The tokens of a text to index, in order, with their places in the text. */
export function indexTokens(text: string): IndexToken[] {
  const tokens: IndexToken[] = [];
  for (const segment of segments(text)) pushTokens(segment, tokens);
  return tokens;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_SEPARATORS = /[^a-z0-9]+/g;

/**
 * Whether lower-cased ASCII text has a run of [a-z0-9] longer than a token
 * may be. A loop over char codes: the regex `[a-z0-9]{65}` tries every start
 * inside every word, six times slower on a 4 KB body, and it ran on every
 * body of every delivery.
 */
function hasOverlongAsciiRun(lower: string): boolean {
  let run = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    run = alnum ? run + 1 : 0;
    if (run > MAX_TOKEN_CHARS) return true;
  }
  return false;
}

/** What goes into an FTS column: the tokens, separated by single spaces. */
export function indexText(text: string): string {
  // Most mail is ASCII, where a token is a run of [A-Za-z0-9] lower-cased:
  // three passes of native code instead of a match, a test and a string per word.
  if (ASCII_ONLY.test(text)) {
    const lower = text.toLowerCase();
    if (!hasOverlongAsciiRun(lower)) return lower.replace(ASCII_SEPARATORS, ' ').trim();
  }
  // The same tokens as indexTokens, without an object per word: this runs on
  // every body at delivery.
  const out: string[] = [];
  const runs = new RegExp(WORD_RUN);
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    const run = m[0];
    if (ASCII_WORD.test(run)) {
      out.push(asciiToken(run));
      continue;
    }
    const tokens: IndexToken[] = [];
    for (const segment of runSegments(run, m.index, [])) pushTokens(segment, tokens);
    for (const t of tokens) out.push(t.text);
  }
  return out.join(' ');
}

function pushTokens(segment: Segment, tokens: IndexToken[]): void {
  if (!segment.cjk) {
    tokens.push(wordToken(segment.pieces));
    return;
  }
  const p = segment.pieces;
  for (let i = 0; i + 1 < p.length; i++) {
    tokens.push({ text: p[i]!.ch + p[i + 1]!.ch, start: p[i]!.start, end: p[i + 1]!.end, cjk: true });
  }
  const last = p[p.length - 1]!;
  tokens.push({ text: last.ch + RUN_END, start: last.start, end: last.end, cjk: true });
}

/**
 * The tokens a query word or phrase must match, adjacent and in order. A CJK
 * run inside the query ends there in the message too (its RUN_END token is
 * required); the query's last run may continue in the message (no RUN_END),
 * and a last run of one character matches any token starting with it.
 */
export function queryTokens(text: string, opts: { prefix?: boolean } = {}): QueryToken[] {
  const tokens: QueryToken[] = [];
  const all = segments(text);
  all.forEach((segment, index) => {
    const isLast = index === all.length - 1;
    if (!segment.cjk) {
      const t = wordToken(segment.pieces).text;
      // One-letter prefixes would expand to a good part of the dictionary.
      tokens.push({ text: t, prefix: isLast && opts.prefix === true && [...t].length >= 2 });
      return;
    }
    const chars = segment.pieces.map((p) => p.ch);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push({ text: chars[i]! + chars[i + 1]!, prefix: false });
    if (!isLast) tokens.push({ text: chars[chars.length - 1]! + RUN_END, prefix: false });
    else if (chars.length === 1) tokens.push({ text: chars[0]!, prefix: true });
  });
  return tokens;
}

function wordToken(pieces: Piece[]): IndexToken {
  // Each piece is folded already; joined ones may compose (e + ́ made apart).
  let text = pieces.length === 1 ? pieces[0]!.ch : nfc(pieces.map((p) => p.ch).join(''));
  if (text.length > MAX_TOKEN_CHARS) text = [...text].slice(0, MAX_TOKEN_CHARS).join('');
  return { text, start: pieces[0]!.start, end: pieces[pieces.length - 1]!.end, cjk: false };
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  for (const m of text.matchAll(WORD_RUN)) {
    const run = m[0];
    if (ASCII_WORD.test(run)) out.push({ cjk: false, pieces: [{ ch: asciiToken(run), start: m.index, end: m.index + run.length }] });
    else runSegments(run, m.index, out);
  }
  return out;
}

/** Most words: no folding beyond lower case. */
const asciiToken = (run: string) => (run.length > MAX_TOKEN_CHARS ? run.slice(0, MAX_TOKEN_CHARS) : run).toLowerCase();

function runSegments(run: string, base: number, out: Segment[]): Segment[] {
  if (!HAS_CJK.test(run)) {
    // A word in another alphabet, folded in one go by native code.
    const folded = foldWord(run);
    if (WHOLE_WORD.test(folded) && !HAS_CJK.test(folded)) {
      out.push({ cjk: false, pieces: [{ ch: folded, start: base, end: base + run.length }] });
      return out;
    }
  }
  foldedSegments(run, base, out);
  return out;
}

/**
 * Folds a run character by character, keeping each character's place, and
 * cuts it where CJK starts or stops (and where folding makes punctuation:
 * ⑴ -> (1)). Gives the same tokens as foldWord for a run without CJK.
 */
function foldedSegments(run: string, base: number, out: Segment[]): void {
  let current: Segment | null = null;
  let afterAccented = false;
  let offset = 0;
  for (const cp of run) {
    const start = base + offset;
    const end = start + cp.length;
    offset += cp.length;
    const last = current?.pieces[current.pieces.length - 1];
    if (last && classOf(cp) === MARK_CLASS) {
      // A combining mark belongs to the character before it: dropped after a
      // Latin or Greek letter (decomposed é = e), kept on any other (か + ゙ = が).
      if (!afterAccented) last.ch = nfc(last.ch + cp);
      last.end = end;
      continue;
    }
    const folded = foldChar(cp);
    afterAccented = ACCENTED_SCRIPT.test(folded);
    for (const ch of folded) {
      const cls = classOf(ch);
      const previous = current?.pieces[current.pieces.length - 1];
      if (previous && cls === MARK_CLASS) {
        // Folding can make a mark too (halfwidth ﾞ -> U+3099).
        previous.ch = nfc(previous.ch + ch);
        previous.end = end;
        continue;
      }
      if (cls === SEPARATOR_CLASS || (current && current.cjk !== (cls === CJK_CLASS))) {
        if (current) out.push(current);
        current = null;
        if (cls === SEPARATOR_CLASS) continue;
      }
      current ??= { cjk: cls === CJK_CLASS, pieces: [] };
      current.pieces.push({ ch, start, end });
    }
  }
  if (current) out.push(current);
}

function foldWord(word: string): string {
  return finishFold(word.normalize('NFKD').replace(ACCENTED_WITH_MARKS, '$1'));
}

const foldCache = new Map<string, string>();
function foldChar(cp: string): string {
  let folded = foldCache.get(cp);
  if (folded === undefined) {
    let k = cp.normalize('NFKD');
    if (ACCENTED_SCRIPT.test(k)) k = k.replace(MARKS, '');
    folded = finishFold(k);
    if (foldCache.size > 20_000) foldCache.clear();
    foldCache.set(cp, folded);
  }
  return folded;
}

const finishFold = (s: string) => s.toLowerCase().normalize('NFC').replace(/ß/g, 'ss').replace(/ё/g, 'е');

const SEPARATOR_CLASS = 0;
const WORD_CLASS = 1;
const CJK_CLASS = 2;
const MARK_CLASS = 3;
const classCache = new Map<string, number>();
function classOf(ch: string): number {
  let cls = classCache.get(ch);
  if (cls === undefined) {
    cls = MARK.test(ch) ? MARK_CLASS : !TOKEN_CHAR.test(ch) ? SEPARATOR_CLASS : CJK_CHAR.test(ch) ? CJK_CLASS : WORD_CLASS;
    if (classCache.size > 20_000) classCache.clear();
    classCache.set(ch, cls);
  }
  return cls;
}

const nfc = (s: string) => s.normalize('NFC');
