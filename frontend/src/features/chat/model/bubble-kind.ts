// How a message shows in the chat: as words in a bubble, or, for a
// newsletter, as a card with "Open" (its layout only makes sense in the
// sandboxed frame at full width). A note written in HTML (Gmail, Outlook,
// Apple Mail all write HTML) is still a note: its words go in the bubble and
// its formatting is one click away.
//
// The heuristic adds up signs of bulk mail; two strong ones, or one strong
// one and two weak ones, make a newsletter. Pure, so it is tested on its own.

export type BubbleKind = 'text' | 'html-note' | 'newsletter';

export interface KindInput {
  fromEmail: string;
  bodyText: string;
  bodyHtml: string;
}

export const NEWSLETTER_SCORE = 4;

const BULK_SENDER = /^(?:no-?reply|do-?not-?reply|donotreply|newsletters?|news|marketing|mailer(?:-daemon)?|notifications?|notify|updates?|digest|bounces?|campaigns?|promo(?:tions)?|offers?|deals)(?:[+._-].*)?$/i;
const UNSUBSCRIBE = /\b(?:unsubscribe|opt[ -]?out|manage (?:your )?(?:email )?(?:preferences|subscriptions?)|view (?:this email |it )?in (?:your |a )?browser|abmelden|abbestellen|se d[ée]sabonner|d[ée]sinscri|darse de baja|cancelar suscripci[oó]n|annulla l'iscrizione|afmelden|uitschrijven)\b/i;
const LAYOUT_WIDTH = /\bwidth\s*[:=]\s*["']?(?:5[5-9]\d|6\d\d|7[0-2]\d)(?:px)?\b/i;

interface Sign {
  weight: number;
  present: (m: KindInput, html: string) => boolean;
}

const SIGNS: Sign[] = [
  // strong
  { weight: 2, present: (m) => BULK_SENDER.test(m.fromEmail.split('@')[0] ?? '') },
  { weight: 2, present: (m, html) => UNSUBSCRIBE.test(m.bodyText) || UNSUBSCRIBE.test(html) },
  // weak
  { weight: 1, present: (_m, html) => count(html, /<table\b/gi) >= 3 },
  { weight: 1, present: (_m, html) => count(html, /<img\b[^>]*\bsrc\s*=\s*["']?https?:/gi) >= 3 },
  { weight: 1, present: (_m, html) => count(html, /<a\b[^>]*\bhref\s*=/gi) >= 12 },
  { weight: 1, present: (_m, html) => LAYOUT_WIDTH.test(html) },
  { weight: 1, present: (m) => m.bodyText.length > 4000 },
];

export function newsletterScore(m: KindInput): number {
  const html = m.bodyHtml;
  return SIGNS.reduce((sum, s) => sum + (s.present(m, html) ? s.weight : 0), 0);
}

export function bubbleKind(m: KindInput): BubbleKind {
  if (m.bodyHtml.trim() === '') return 'text';
  return newsletterScore(m) >= NEWSLETTER_SCORE ? 'newsletter' : 'html-note';
}

function count(text: string, pattern: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(pattern)) if (++n >= 50) break;
  return n;
}
