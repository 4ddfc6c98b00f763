// Quote and signature folding over real replies: bodies from the third-party
// corpus (../shared/fixtures/eml, read in place and checked against its
// manifest), and replies written the way Thunderbird, Gmail, Outlook, Apple
// Mail and mutt write them. Each case states the visible text exactly: the
// new words, character for character.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/mail/parse-message.js';
import { foldQuotedText, visibleText, MAX_FOLD_SCAN_CHARS } from '../../src/mail/quoted-text.js';

interface Case {
  name: string;
  body: string;
  /** what stays visible with the folds closed */
  visible: string;
  /** words that must be behind the fold */
  folded?: string[];
}

const written: Case[] = [
  {
    name: 'Thunderbird, English, top-posted',
    body: 'Sounds good, see you at 10.\n\nOn 21/11/2026 10:00, Jane Example wrote:\n> Shall we meet tomorrow?\n>\n> Jane\n',
    visible: 'Sounds good, see you at 10.',
    folded: ['On 21/11/2026 10:00, Jane Example wrote:', '> Shall we meet tomorrow?'],
  },
  {
    name: 'Thunderbird, German ("Am … schrieb")',
    body: 'Passt, bis morgen!\n\nAm 21.11.26 um 10:00 schrieb Jane Example:\n> Treffen wir uns morgen?\n',
    visible: 'Passt, bis morgen!',
    folded: ['Am 21.11.26 um 10:00 schrieb Jane Example:'],
  },
  {
    name: 'Thunderbird, French ("Le … a écrit :")',
    body: 'Parfait, à demain.\n\nLe 21/11/2026 à 10:00, Jane Example a écrit :\n> On se voit demain ?\n',
    visible: 'Parfait, à demain.',
    folded: ['a écrit :'],
  },
  {
    name: 'Thunderbird, bottom-posted with an RFC 3676 signature',
    body: 'On 21/11/2026 10:00, Jane Example wrote:\n> Shall we meet?\n\nYes, at noon.\n\n-- \nBob Builder\nExample Ltd.\n',
    visible: 'Yes, at noon.',
    folded: ['> Shall we meet?', 'Bob Builder'],
  },
  {
    name: 'Gmail, English, attribution wrapped over two lines',
    body:
      'Thanks!\n\nOn Sat, Nov 21, 2026 at 10:00 AM Jane Example <jane.example@example.com>\nwrote:\n\n> Here is the report.\n>\n',
    visible: 'Thanks!',
    folded: ['On Sat, Nov 21, 2026 at 10:00 AM', '> Here is the report.'],
  },
  {
    name: 'Gmail, German, wrapped inside the address',
    body: 'Danke dir!\n\nAm Sa., 21. Nov. 2026 um 10:00 Uhr schrieb Jane Example <\njane@example.com>:\n\n> Hier ist der Bericht.\n',
    visible: 'Danke dir!',
    folded: ['Uhr schrieb Jane Example <'],
  },
  {
    name: 'Gmail, French, wrapped before "écrit :"',
    body: 'Merci !\n\nLe sam. 21 nov. 2026 à 10:00, Jane Example <jane@example.com> a\nécrit :\n\n> Voici le rapport.\n',
    visible: 'Merci !',
  },
  {
    name: 'Gmail, Spanish',
    body: '¡Gracias!\n\nEl sáb, 21 nov 2026 a las 10:00, Jane Example (<jane@example.com>)\nescribió:\n\n> Aquí está el informe.\n',
    visible: '¡Gracias!',
  },
  {
    name: 'Gmail, Italian',
    body: 'Grazie mille.\n\nIl giorno sab 21 nov 2026 alle ore 10:00 Jane Example <jane@example.com> ha\nscritto:\n\n> Ecco il rapporto.\n',
    visible: 'Grazie mille.',
  },
  {
    name: 'Gmail, Dutch ("Op … schreef")',
    body: 'Top, bedankt.\n\nOp za 21 nov. 2026 om 10:00 schreef Jane Example <jane@example.com>:\n\n> Hier is het rapport.\n',
    visible: 'Top, bedankt.',
  },
  {
    name: 'Outlook desktop: a rule, then From/Sent/To/Subject, original unquoted',
    body:
      'Approved.\n\nRegards,\nBob\n\n________________________________\nFrom: Jane Example <jane@example.com>\n' +
      'Sent: Saturday, November 21, 2026 10:00 AM\nTo: Bob Builder <bob@example.com>\nSubject: Budget\n\nPlease approve the budget.\n',
    visible: 'Approved.\n\nRegards,\nBob',
    folded: ['Please approve the budget.'],
  },
  {
    name: 'Outlook, "-----Original Message-----"',
    body:
      'Will do.\n\n-----Original Message-----\nFrom: Jane Example [mailto:jane@example.com]\n' +
      'Sent: Saturday, November 21, 2026 10:00 AM\nTo: Bob Builder\nSubject: RE: Budget\n\nCan you send it today?\n',
    visible: 'Will do.',
    folded: ['Can you send it today?'],
  },
  {
    name: 'Outlook, German header block (Von/Gesendet/An/Betreff)',
    body:
      'Erledigt.\n\nVon: Jane Example <jane@example.com>\nGesendet: Samstag, 21. November 2026 10:00\n' +
      'An: Bob Builder <bob@example.com>\nBetreff: Budget\n\nBitte freigeben.\n',
    visible: 'Erledigt.',
  },
  {
    name: 'Outlook for Mac (From/Date/To/Subject)',
    body: 'Yes.\n\nFrom: Jane Example <jane@example.com>\nDate: Saturday, 21 November 2026 at 10:00\nTo: Bob Builder <bob@example.com>\nSubject: Budget\n\nOK?\n',
    visible: 'Yes.',
  },
  {
    name: 'Outlook for iOS: mobile signature, then the header block',
    body:
      'OK!\n\nGet Outlook for iOS\n________________________________\nFrom: Jane Example <jane@example.com>\n' +
      'Sent: Saturday, November 21, 2026 10:00:00 AM\nTo: Bob Builder <bob@example.com>\nSubject: Lunch\n\nLunch?\n',
    visible: 'OK!',
    folded: ['Get Outlook for iOS'],
  },
  {
    name: 'Apple Mail (macOS): the attribution inside the quote',
    body: 'Great, thanks.\n\n> On 21 Nov 2026, at 10:00, Jane Example <jane@example.com> wrote:\n> \n> The tickets are booked.\n\n',
    visible: 'Great, thanks.',
  },
  {
    name: 'Apple Mail (iOS): "Sent from my iPhone" above the quote',
    body: 'Perfect\n\nSent from my iPhone\n\n> On Nov 21, 2026, at 10:00, Jane Example <jane@example.com> wrote:\n> \n> \uFEFFDinner at 8?\n',
    visible: 'Perfect',
    folded: ['Sent from my iPhone', 'Dinner at 8?'],
  },
  {
    name: 'mutt: attribution with time zone, bottom-posted, signature',
    body: 'On Sat, Nov 21, 2026 at 10:00:00AM +0100, Jane Example wrote:\n> Lunch?\n\nSure, 12:30.\n\n-- \nbob\n',
    visible: 'Sure, 12:30.',
  },
  {
    name: 'inline reply: the quotes between answers stay, the trailing one folds',
    body: 'Jane Example wrote:\n> Can you do Tuesday?\n\nYes.\n\n> And bring the slides?\n\nWill do.\n\n> Thanks!\n> Jane\n',
    visible: 'Jane Example wrote:\n> Can you do Tuesday?\n\nYes.\n\n> And bring the slides?\n\nWill do.',
    folded: ['> Thanks!'],
  },
  {
    name: '"what you wrote:" is the writer\'s sentence, not an attribution',
    body: 'Regarding what you wrote:\n\n> the plan is fine\n',
    visible: 'Regarding what you wrote:',
  },
  {
    name: 'a forward is the point of the message: nothing folds',
    body:
      'FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Jane Example <jane@example.com>\n' +
      'Date: Sat, Nov 21, 2026 at 10:00 AM\nSubject: Budget\nTo: <bob@example.com>\n\nPlease approve.\n',
    visible:
      'FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Jane Example <jane@example.com>\n' +
      'Date: Sat, Nov 21, 2026 at 10:00 AM\nSubject: Budget\nTo: <bob@example.com>\n\nPlease approve.\n',
  },
  {
    name: 'an Outlook forward (FW:) under "-----Original Message-----" stays',
    body: 'See this.\n\n-----Original Message-----\nFrom: Jane\nSent: Saturday, November 21, 2026 10:00 AM\nTo: Bob\nSubject: FW: Offer\n\nThe offer.\n',
    visible: 'See this.\n\n-----Original Message-----\nFrom: Jane\nSent: Saturday, November 21, 2026 10:00 AM\nTo: Bob\nSubject: FW: Offer\n\nThe offer.\n',
  },
  {
    name: 'a message that is only a quote folds nothing',
    body: 'On Sat, Nov 21, 2026 at 10:00 AM Jane wrote:\n> hello\n',
    visible: 'On Sat, Nov 21, 2026 at 10:00 AM Jane wrote:\n> hello\n',
  },
  {
    name: 'CRLF line ends',
    body: 'Yes\r\n\r\nOn Sat, Nov 21, 2026 at 10:00 AM Jane <jane@example.com> wrote:\r\n> Coffee?\r\n',
    visible: 'Yes',
  },
  {
    name: 'a plain note: nothing to fold',
    body: 'See you at 10 -- bring the keys.\n> is not a quote when it is in the middle of nowhere? It is, and it stays: text follows.\nOK.\n',
    visible: 'See you at 10 -- bring the keys.\n> is not a quote when it is in the middle of nowhere? It is, and it stays: text follows.\nOK.\n',
  },
];

describe('foldQuotedText on replies written in each client\'s style', () => {
  it.each(written)('$name', ({ body, visible, folded }) => {
    const folds = foldQuotedText(body);
    expect(visibleText(body, folds)).toBe(visible);
    const hidden = folds.map((f) => body.slice(f.start, f.end)).join('');
    for (const words of folded ?? []) expect(hidden).toContain(words);
    // Folds are ordered, disjoint and inside the body.
    folds.forEach((f, i) => {
      expect(f.start).toBeLessThan(f.end);
      expect(f.end).toBeLessThanOrEqual(body.length);
      if (i > 0) expect(f.start).toBeGreaterThan(folds[i - 1]!.end);
    });
  });
});

// --- the corpus ---------------------------------------------------------------

const corpusDir = path.resolve(import.meta.dirname, '../../../../shared/fixtures/eml');
const manifestPath = path.join(corpusDir, 'manifest.json');
const haveCorpus = fs.existsSync(manifestPath);
const manifest = haveCorpus
  ? new Map((JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { files: Array<{ path: string; sha256: string }> }).files.map((f) => [f.path, f.sha256]))
  : new Map<string, string>();

/** The body text of a corpus file, or of a message attached to it (by attachment index). */
async function corpusBody(file: string, nested: number[] = []): Promise<string> {
  const bytes = fs.readFileSync(path.join(corpusDir, file));
  expect(createHash('sha256').update(bytes).digest('hex'), `${file} is the manifest's file`).toBe(manifest.get(file));
  let parsed = await parseMessage(bytes);
  for (const i of nested) parsed = await parseMessage(parsed.attachments[i]!.content);
  return parsed.text;
}

interface CorpusCase {
  name: string;
  file: string;
  nested?: number[];
  visible: (body: string) => string;
  folded?: string[];
}

const corpus: CorpusCase[] = [
  {
    name: 'old Netscape, "Marc Slemko wrote:" then the answer below',
    file: 'flanker/from-encoding.eml',
    visible: () =>
      "Isn't that the case for almost every other server you care to mention?\nWhat about switching to an EUID of nobody early in the request\nprocessing stage?\n\n---/dev/il\n\n",
    folded: ['Marc Slemko wrote:', '> If you have a real uid of root'],
  },
  {
    name: 'a Usenet answer below a one-line quote',
    file: 'mimekit/messages/epilogue.txt',
    visible: () => 'Don\'t you mean: "NeXTstep, NeXTSTEP, NEXTSTEP..."?\n',
  },
  {
    name: '"--" signature without its trailing space',
    file: 'cpython/msg_38.txt',
    visible: (body) => body.slice(0, body.indexOf("I've seen *similar* things.") + "I've seen *similar* things.".length),
    folded: ["It's never too late to have a happy childhood."],
  },
  {
    name: 'German top-post: a `>` quote between the answer and a ==== signature',
    file: 'mime4j-mimetools/german.msg',
    visible: (body) => body.slice(0, body.indexOf('Guenter Deuschle\n') + 'Guenter Deuschle'.length),
    folded: ['>Sehr geehrter Herr Deuschle,', 'Dipl.-Ing.  Guenter'],
  },
  {
    name: 'a signature above a forwarded message: nothing would be left, so nothing folds',
    file: 'mime4j-mimetools/ak-0696.msg',
    visible: (body) => body,
  },
  {
    name: 'RFC 3676 "-- " signature with ASCII art',
    file: 'mime4j-mimetools/multi-2gifs.msg',
    visible: () =>
      'When unpacked, this message should produce two GIF files:\n\n\t* The 1st should be called "3d-compress.gif"\n\t* The 2nd should be called "3d-eye.gif"\n\nDifferent ways of specifying the filenames have been used.',
  },
  {
    name: 'German note with a "-- " signature (quoted-printable, 8-bit)',
    file: 'mime4j-mimetools/german-qp.msg',
    visible: () => '\nHallo,\n\ndas ist eine Testnachricht mit 8 Bit Sönderzäichen, und obendrein noch \nquoted-printable kodiert.\n\nGrüße,\n\nJörn',
  },
  {
    name: 'an enclosed message with a Cyrillic line and a signature',
    file: 'flanker/enclosed-bad-encoding.eml',
    nested: [0],
    visible: () => "dudes... you're kicking ass.\nчтобы я без вас делал, дорогие мои!!!",
    folded: ['Ev Kontsevoy,'],
  },
  {
    name: 'an answer around a quote (text, quote, text): the quote is context and stays',
    file: 'flanker/torture.eml',
    nested: [0],
    visible: (body) => body,
  },
  {
    name: 'Outlook forwards of forwards ("-----Original Message-----", Subject: Fw:) stay visible',
    file: 'mime4j-mimetools/frag.msg',
    visible: (body) => body.slice(0, body.lastIndexOf('Subject: Fw: Another Priceless Moment') + 'Subject: Fw: Another Priceless Moment'.length),
  },
];

describe.skipIf(!haveCorpus)('foldQuotedText on replies from the fixtures corpus', () => {
  it.each(corpus)('$file: $name', async ({ file, nested, visible, folded }) => {
    const body = await corpusBody(file, nested);
    const folds = foldQuotedText(body);
    expect(visibleText(body, folds)).toBe(visible(body));
    const hidden = folds.map((f) => body.slice(f.start, f.end)).join('');
    for (const words of folded ?? []) expect(hidden).toContain(words);
  });
});

describe('foldQuotedText on HTML-only mail', () => {
  it('folds a Gmail-style HTML reply through the text derived from its HTML', async () => {
    const html =
      '<div dir="ltr">Sounds <b>great</b>, count me in.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">' +
      'On Sat, Nov 21, 2026 at 10:00 AM Jane Example &lt;<a href="mailto:jane@example.com">jane@example.com</a>&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Party on Friday?</blockquote></div>';
    const raw = `From: bob@example.com\r\nTo: jane@example.com\r\nSubject: Re: Party\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
    const { text } = await parseMessage(Buffer.from(raw));
    const folds = foldQuotedText(text);
    expect(visibleText(text, folds)).toBe('Sounds great, count me in.');
    expect(text.slice(folds[0]!.start)).toContain('Party on Friday?');
  });
});

describe('foldQuotedText limits', () => {
  it('does not scan bodies over the limit', () => {
    const body = `${'x'.repeat(MAX_FOLD_SCAN_CHARS)}\n\nOn Sat, Jane wrote:\n> q\n`;
    expect(foldQuotedText(body)).toEqual([]);
  });

  it('handles the empty body and a body of blank lines', () => {
    expect(foldQuotedText('')).toEqual([]);
    expect(foldQuotedText('\n\n \n')).toEqual([]);
  });
});
