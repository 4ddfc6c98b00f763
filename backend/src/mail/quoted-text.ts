// Which parts of a reply's plain text are not its new words: the quoted
// message (an "On … wrote:" line and `>` lines, Outlook's header block and
// everything after it) and the signature. Pure: text in, ranges out. Done
// once on the server so the API, the socket payload and every client fold
// the same characters. HTML-only mail gets here too: its bodyText is derived
// with html-to-text, which writes <blockquote> as `>` lines.
//
// The rule that matters most: new words are never hidden. When in doubt a
// part stays visible, and a message that would fold to nothing folds nothing.

import { LruCache } from './lru-cache.js';

export type FoldKind = 'quote' | 'signature';

/** A folded range of bodyText, as UTF-16 offsets (what String.prototype.slice takes). */
export interface TextFold {
  start: number;
  end: number;
  kind: FoldKind;
}

/** Bodies larger than this are not scanned (a log pasted into a mail is not a chat message). */
export const MAX_FOLD_SCAN_CHARS = 512 * 1024;

interface Line {
  start: number;
  /** end of the line's text, before its line break */
  end: number;
  text: string;
}

type Mark = 'blank' | 'quoted' | 'text';

export function foldQuotedText(body: string): TextFold[] {
  if (body.length === 0 || body.length > MAX_FOLD_SCAN_CHARS) return [];
  const lines = splitLines(body);
  const marks = lines.map(markOf);
  const folds: TextFold[] = [];

  // 1. A cut: from a signature separator or an Outlook reply header, the rest
  //    is not new (both come after the new words in the clients that write them).
  const cut = findCut(lines, marks);
  const limit = cut ? cut.line : lines.length;

  // 2. Quote blocks before the cut, each with the attribution line(s) above it.
  const blocks = quoteBlocks(lines, marks, limit);
  const last = blocks[blocks.length - 1];
  let tailFrom = limit;
  if (last && isBlankAfter(marks, last.end, limit)) tailFrom = last.start;
  else if (last && cut === null) {
    // Text, a quote, then a decorated signature (a ==== or ____ rule): the quote is the tail.
    const sig = decoratedSignatureAfter(lines, marks, last.end);
    if (sig !== null) tailFrom = last.start;
  }
  const trailing = tailFrom < limit ? last : undefined;
  const first = blocks[0];
  const middle = blocks.filter((b) => b !== first && b !== trailing);
  // Bottom-posting: a quote, then the answer. With quotes between answers
  // (an inline reply) the quotes are the context of each answer: they stay.
  if (first && first !== trailing && middle.length === 0 && isBlankBefore(marks, first.start)) {
    folds.push({ start: lines[first.start]!.start, end: lines[first.end - 1]!.end, kind: 'quote' });
  }

  // 3. The tail: the trailing quote and whatever follows the cut.
  if (tailFrom < lines.length) {
    const kind: FoldKind = tailFrom < limit ? 'quote' : cut!.kind;
    folds.push({ start: lines[tailFrom]!.start, end: body.length, kind });
  }
  // 4. "Sent from my iPhone" as the last words is a signature too.
  const sigLine = lastTextLine(marks, tailFrom);
  if (sigLine >= 0 && MOBILE_SIGNATURE.test(lines[sigLine]!.text.trim())) {
    folds.push({ start: lines[sigLine]!.start, end: lines[sigLine]!.end, kind: 'signature' });
  }

  return tidy(body, folds);
}

// Copies of one message share their body (and its hash): fold it once.
const cache = new LruCache<string, TextFold[]>(20_000, (folds) => 1 + folds.length);

/** foldQuotedText, remembered by the raw message's hash. */
export function foldsFor(rawSha256: string, body: string): TextFold[] {
  let folds = cache.get(rawSha256);
  if (!folds) {
    folds = foldQuotedText(body);
    cache.set(rawSha256, folds);
  }
  return folds;
}

/** The text a reader sees with the folds closed. */
export function visibleText(body: string, folds: readonly TextFold[]): string {
  let out = '';
  let at = 0;
  for (const f of folds) {
    out += body.slice(at, f.start);
    at = f.end;
  }
  return out + body.slice(at);
}

// --- lines -----------------------------------------------------------------

function splitLines(body: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= body.length) {
    let nl = body.indexOf('\n', start);
    if (nl < 0) nl = body.length;
    const end = nl > start && body.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    lines.push({ start, end, text: body.slice(start, end) });
    start = nl + 1;
  }
  return lines;
}

function markOf(line: Line): Mark {
  if (line.text.trim() === '') return 'blank';
  return /^[ \t]*>/.test(line.text) ? 'quoted' : 'text';
}

// --- the cut: signature separator or Outlook header ---------------------------

interface Cut {
  line: number;
  kind: FoldKind;
}

// RFC 3676 4.3: "-- " alone on a line starts the signature. Many clients and
// gateways strip the trailing space, so "--" alone counts too.
const SIGNATURE_SEPARATOR = /^-- ?$/;

const ORIGINAL_MESSAGE = new RegExp(
  '^\\s*-{2,}\\s*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d\'origine|Mensaje original|' +
    'Messaggio originale|Oorspronkelijk bericht|Mensagem original|Originalmeddelande|Opprinnelig melding|' +
    'Oprindelig meddelelse|Alkuperäinen viesti|Původní zpráva|Wiadomość oryginalna|Исходное сообщение)\\s*-{2,}\\s*$',
  'i',
);
// Outlook's reply header, in the languages it ships with: From, then at once
// Sent (Windows) or Date (Mac), then To or Subject within a few lines.
const HEADER_FROM = /^\*?(?:From|Von|De|Da|Van|Från|Fra|Od|От|Lähettäjä|Feladó|Kimden)\s?:\*?\s+\S/i;
const HEADER_SENT = new RegExp(
  '^\\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Date|Enviado(?: el)?|Fecha|Inviato|Data|Verzonden|Skickat|Sendt|Wysłano|' +
    'Odesláno|Отправлено|Lähetetty|Elküldve|Gönderildi)\\s?:\\*?\\s+\\S',
  'i',
);
const HEADER_TO_OR_SUBJECT = new RegExp(
  '^\\*?(?:To|Cc|Subject|An|Betreff|À|Objet|Para|Asunto|A|Oggetto|Aan|Onderwerp|Till|Ämne|Til|Emne|Do|Temat|' +
    'Komu|Předmět|Кому|Тема|Vastaanottaja|Aihe|Címzett|Tárgy|Kime|Konu)\\s?:\\*?',
  'i',
);
const FORWARD_SUBJECT = /^\*?(?:Subject|Betreff|Objet|Asunto|Oggetto|Onderwerp|Ämne|Emne|Temat|Předmět|Тема|Aihe|Tárgy|Konu)\s?:\*?\s*(?:FW|Fwd|WG|TR|RV|I|Doorst|VS|PD|ПЕРЕСЛ)\s?:/i;
const FORWARD_MARKER = /^\s*(?:-{2,}\s*)?(?:Forwarded message|Begin forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada)/i;
const UNDERSCORE_RULE = /^_{10,}\s*$/;

function findCut(lines: Line[], marks: Mark[]): Cut | null {
  for (let i = 0; i < lines.length; i++) {
    if (marks[i] !== 'text') continue;
    const text = lines[i]!.text;
    if (SIGNATURE_SEPARATOR.test(text.trimStart())) return { line: i, kind: 'signature' };
    if (FORWARD_MARKER.test(text)) return null; // what follows is the point of the message
    if (ORIGINAL_MESSAGE.test(text)) return isForwardHeader(lines, i + 1) ? null : { line: i, kind: 'quote' };
    if (HEADER_FROM.test(text) && isReplyHeader(lines, i)) {
      const rule = i > 0 && UNDERSCORE_RULE.test(lines[i - 1]!.text) ? i - 1 : i;
      return { line: rule, kind: 'quote' };
    }
  }
  return null;
}

function isReplyHeader(lines: Line[], from: number): boolean {
  if (!HEADER_SENT.test(lines[from + 1]?.text ?? '')) return false;
  let addressed = false;
  for (let j = from + 2; j < Math.min(lines.length, from + 7); j++) {
    if (HEADER_TO_OR_SUBJECT.test(lines[j]!.text)) addressed = true;
  }
  return addressed && !isForwardHeader(lines, from);
}

function isForwardHeader(lines: Line[], from: number): boolean {
  for (let j = from; j < Math.min(lines.length, from + 8); j++) if (FORWARD_SUBJECT.test(lines[j]!.text)) return true;
  return false;
}

// --- quote blocks and their attribution --------------------------------------

interface Block {
  /** first line (the attribution's, when there is one) */
  start: number;
  /** one past the last quoted line */
  end: number;
}

function quoteBlocks(lines: Line[], marks: Mark[], limit: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < limit) {
    if (marks[i] !== 'quoted') {
      i++;
      continue;
    }
    let end = i + 1;
    // Blank lines inside a quote belong to it when more quote follows.
    for (let j = end; j < limit && marks[j] !== 'text'; j++) if (marks[j] === 'quoted') end = j + 1;
    blocks.push({ start: attributionStart(lines, marks, i), end });
    i = end;
  }
  return blocks;
}

// "On Mon, Nov 21, 2026 at 10:00 AM Jane <jane@example.com> wrote:" and its
// translations: the verb at the end (English, French, Spanish, Italian, …).
const VERB_LAST = new RegExp(
  '(?:wrote|writes|a écrit|escribió|ha scritto|escreveu|napisał(?:\\(a\\))?|napsal(?:\\(a\\))?|написал(?:\\(а\\))?|' +
    'kirjoitti|írta|yazdı|skrev|schreef|schrieb)\\s*:$',
  'i',
);
// German, Dutch and Scandinavian clients put the verb before the name:
// "Am 21.11.26 um 10:00 schrieb Jane Example:".
const VERB_FIRST = /^(?:Am|Op|Den|On|Le|El|Il giorno|Em|W dniu|Dne)\s.*\b(?:schrieb|schreef|skrev|wrote|a écrit|escribió|ha scritto|escreveu|napisał|napsal)\b.*:$/i;
// A wrapped attribution must start like one: "On <date>", "Le <date>", …
const OPENER = /^(?:On|Le|Am|El|Il giorno|Il|Op|Em|Den|W dniu|Dne|В|Pada|\d{1,4}[./-]\d{1,2}[./-]\d{1,4})\s/i;
const NAME_START = /^["'*]?\p{Lu}\S*\s+\S/u;
// "you wrote:" introduces a quote in a sentence; it is not a client's attribution.
const PRONOUN_VERB = /\b(?:you|I|he|she|they|we|it|as)\s+(?:wrote|writes)\s*:$/i;

function isAttribution(text: string, wrapped: boolean): boolean {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.length > 400 || PRONOUN_VERB.test(t)) return false;
  // Wrapped, it must start like one; on one line, like a name does ("Marc Slemko wrote:"),
  // not with the tail of a wrapped one ("wrote:", "[jane@example.com]> wrote:").
  if (!OPENER.test(t) && (wrapped || !NAME_START.test(t))) return false;
  return VERB_LAST.test(t) || VERB_FIRST.test(t);
}

/** The line where a quote block's attribution starts (up to 3 wrapped lines), or the block's own start. */
function attributionStart(lines: Line[], marks: Mark[], quoteStart: number): number {
  let j = quoteStart - 1;
  // Up to two blank lines between (html-to-text leaves two after Gmail's attribution).
  for (let blanks = 0; blanks < 2 && j >= 0 && marks[j] === 'blank'; blanks++) j--;
  if (j < 0 || marks[j] !== 'text') return quoteStart;
  for (let n = 1; n <= 3 && j - n + 1 >= 0; n++) {
    const first = j - n + 1;
    if (marks[first] !== 'text') break;
    const joined = lines.slice(first, j + 1).map((l) => l.text).join(' ');
    if (isAttribution(joined, n > 1)) return first;
  }
  return quoteStart;
}

// --- signatures that are not separated by "-- " ----------------------------

const MOBILE_SIGNATURE = new RegExp(
  '^(?:Sent from my (?:iPhone|iPad|iPod|Android|BlackBerry|Samsung|mobile|phone)\\b.*|Sent from (?:Mail|Outlook|Yahoo Mail|Gmail) for .*|' +
    'Get Outlook for (?:iOS|Android)|Sent from Yahoo Mail.*|Von meinem (?:iPhone|iPad|Smartphone) gesendet|' +
    'Envoyé de mon (?:iPhone|iPad)|Enviado desde mi (?:iPhone|iPad)|Inviato da (?:iPhone|iPad)|' +
    'Verstuurd vanaf mijn (?:iPhone|iPad)|Skickat från min (?:iPhone|iPad))$',
  'i',
);
const DECORATED_RULE = /^\s*([=_*~-])\1{9,}\s*$/;
const MAX_SIGNATURE_LINES = 15;

/** A ==== / ____ rule after the quote that starts a short block running to the end. */
function decoratedSignatureAfter(lines: Line[], marks: Mark[], from: number): number | null {
  let j = from;
  while (j < lines.length && marks[j] === 'blank') j++;
  if (j >= lines.length || !DECORATED_RULE.test(lines[j]!.text)) return null;
  const rest = marks.slice(j);
  if (rest.includes('quoted') || rest.filter((m) => m === 'text').length > MAX_SIGNATURE_LINES) return null;
  return j;
}

// --- helpers -----------------------------------------------------------------

function isBlankAfter(marks: Mark[], from: number, limit: number): boolean {
  for (let j = from; j < limit; j++) if (marks[j] === 'text') return false;
  return true;
}

function isBlankBefore(marks: Mark[], to: number): boolean {
  for (let j = 0; j < to; j++) if (marks[j] !== 'blank') return false;
  return true;
}

function lastTextLine(marks: Mark[], before: number): number {
  for (let j = before - 1; j >= 0; j--) {
    if (marks[j] === 'text') return j;
    if (marks[j] === 'quoted') return -1;
  }
  return -1;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Folds take the white space around them, so the visible text is the new
 * words exactly, with no dangling blank lines; overlapping folds merge; and
 * when nothing visible would be left, nothing is folded.
 */
function tidy(body: string, folds: TextFold[]): TextFold[] {
  const grown = folds
    .map((f) => {
      let { start, end } = f;
      while (start > 0 && isSpace(body[start - 1])) start--;
      if (start > 0 || end < body.length) while (end < body.length && isSpace(body[end])) end++;
      return { start, end, kind: f.kind };
    })
    .sort((a, b) => a.start - b.start);
  const merged: TextFold[] = [];
  for (const f of grown) {
    const prev = merged[merged.length - 1];
    if (prev && f.start <= prev.end) {
      prev.end = Math.max(prev.end, f.end);
      if (f.kind === 'quote') prev.kind = 'quote';
    } else merged.push({ ...f });
  }
  return visibleText(body, merged).trim() === '' ? [] : merged;
}
