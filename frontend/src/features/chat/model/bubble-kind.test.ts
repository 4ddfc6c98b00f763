import { describe, expect, it } from 'vitest';
import { bubbleKind, newsletterScore } from './bubble-kind';

const note = (over: Partial<{ fromEmail: string; bodyText: string; bodyHtml: string }> = {}) => ({
  fromEmail: 'jane@example.com',
  bodyText: 'See you at 10.',
  bodyHtml: '',
  ...over,
});

const gmailReply = '<div dir="ltr">See you at <b>10</b>.</div><br><div class="gmail_quote"><blockquote>Coffee?</blockquote></div>';
const outlookNote =
  '<html><body><div class="WordSection1"><p class="MsoNormal">Approved, thanks.<o:p></o:p></p>' +
  '<table><tr><td>Q1</td><td>12</td></tr></table><p>Regards, Bob</p></div></body></html>';
const img = (i: number) => `<img src="https://cdn.shop.example/i${i}.png" width="600">`;
const promo =
  '<table width="600"><tr><td>' + [1, 2, 3, 4].map(img).join('') + '</td></tr></table>' +
  '<table><tr><td>Sale</td></tr></table><table><tr><td>' +
  Array.from({ length: 14 }, (_, i) => `<a href="https://shop.example/p${i}">Item ${i}</a>`).join(' ') +
  '</td></tr></table><p><a href="https://shop.example/u">Unsubscribe</a></p>';

describe('bubbleKind', () => {
  it('plain text mail is text', () => {
    expect(bubbleKind(note())).toBe('text');
    // Even from a bulk sender: there is no layout to lose.
    expect(bubbleKind(note({ fromEmail: 'noreply@shop.example', bodyText: 'Unsubscribe here' }))).toBe('text');
  });

  it('an HTML reply from a person is a note', () => {
    expect(bubbleKind(note({ bodyHtml: gmailReply }))).toBe('html-note');
    expect(bubbleKind(note({ bodyHtml: outlookNote, bodyText: 'Approved, thanks.\nQ1 12\nRegards, Bob' }))).toBe('html-note');
  });

  it('a promotion from a bulk sender with layout tables is a newsletter', () => {
    const m = note({ fromEmail: 'news@shop.example', bodyHtml: promo, bodyText: 'Sale! Unsubscribe' });
    expect(newsletterScore(m)).toBeGreaterThanOrEqual(7);
    expect(bubbleKind(m)).toBe('newsletter');
  });

  it('an unsubscribe link and a 600px layout are enough, whoever sends it', () => {
    const html = '<table width="600"><tr><td><p>Our monthly update</p><table><tr><td>…</td></tr></table><table><tr><td>…</td></tr></table>' +
      '<a href="https://x.example/unsub">Unsubscribe</a></td></tr></table>';
    expect(bubbleKind(note({ fromEmail: 'team@startup.example', bodyHtml: html, bodyText: 'Our monthly update … Unsubscribe' }))).toBe('newsletter');
  });

  it('one strong sign alone is not enough (a person mentioning "unsubscribe")', () => {
    const m = note({ bodyHtml: '<p>How do I unsubscribe from that list?</p>', bodyText: 'How do I unsubscribe from that list?' });
    expect(newsletterScore(m)).toBe(2);
    expect(bubbleKind(m)).toBe('html-note');
  });

  it('a noreply notification with a long text and unsubscribe footer is a newsletter', () => {
    const m = note({ fromEmail: 'notifications@tracker.example', bodyHtml: '<p>Build failed</p><p>Manage your email preferences</p>', bodyText: 'Build failed\nManage your email preferences' });
    expect(bubbleKind(m)).toBe('newsletter');
  });

  it('recognises unsubscribe footers in other languages', () => {
    for (const word of ['Newsletter abbestellen', 'Se désabonner', 'Darse de baja', 'Uitschrijven']) {
      expect(newsletterScore(note({ bodyHtml: `<p>${word}</p>`, bodyText: word }))).toBe(2);
    }
  });
});
