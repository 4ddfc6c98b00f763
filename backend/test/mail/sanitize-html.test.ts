// @vitest-environment jsdom
// Server-side HTML sanitising and cid: resolution. The output is checked the
// way a browser reads it (DOMParser), not only as text.
import { describe, expect, it } from 'vitest';
import { resolveCidLinks, sanitizeHtml } from '../../src/mail/sanitize-html.js';

const DANGER = /<script|<iframe|<object|<embed|<form|\son[a-z]+\s*=|javascript:|vbscript:/i;

/** What a browser would find dangerous in the sanitised output, as a list of findings. */
function dangerIn(html: string): string[] {
  const doc = new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');
  const found: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'form', 'frame', 'base', 'svg', 'math'].includes(tag)) found.push(`<${tag}>`);
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name)) found.push(`${tag}[${attr.name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.name.toLowerCase())) {
        const url = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript):/.test(url) || url.startsWith('data:text')) found.push(`${tag}[${attr.name}=${attr.value}]`);
      }
    }
  }
  return found;
}

describe('sanitizeHtml', () => {
  it('keeps ordinary mail markup', () => {
    const html = '<table width="100%"><tr><td style="color:red"><b>Hi</b> <a href="https://x.test/a?b=1&amp;c=2">link</a></td></tr></table>';
    const out = sanitizeHtml(html);
    expect(out).toContain('<b>Hi</b>');
    expect(out).toContain('style="color:red"');
    expect(out).toContain('href="https://x.test/a?b=1&amp;c=2"');
    expect(out).toContain('<td');
  });

  it('removes scripts with their content', () => {
    const out = sanitizeHtml('<p>a</p><script>steal(document.cookie)</script><SCRIPT src="https://evil.test/x.js"></SCRIPT>');
    expect(out).toBe('<p>a</p>');
  });

  it('removes every event handler attribute', () => {
    const out = sanitizeHtml('<p onclick="a()" ONMOUSEOVER="b()">x</p><img src="https://i.test/p.png" onerror="c()"><body onload="d()">y</body>');
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('src="https://i.test/p.png"');
  });

  it.each([
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="javascript:alert(1)">',
    '<iframe src="https://evil.test"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.test"><input name="p"></form>',
    '<svg><script>alert(1)</script></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  ])('leaves nothing dangerous of %s', (html) => {
    expect(dangerIn(html).length).toBeGreaterThan(0); // the input really is dangerous
    const out = sanitizeHtml(html);
    expect(dangerIn(out)).toEqual([]);
    expect(out).not.toMatch(/data:text\/html/i);
  });

  it('leaves nothing textually dangerous, <style> blocks included', () => {
    // The parser-confusion input used to leave "<img ... onerror=" as inert
    // text inside a kept <style>; a style block holding markup is now emptied.
    for (const html of [
      '<p onclick="a()">x</p><script>b()</script>',
      '<a href="javascript:c()">x</a><img src=x onerror=d()>',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    ]) {
      expect(sanitizeHtml(html)).not.toMatch(DANGER);
    }
  });

  it('keeps ordinary CSS, legacy <!-- --> wrappers included', () => {
    const css = '<style><!-- p { color: red } --></style>';
    expect(sanitizeHtml(`${css}<p>x</p>`)).toContain(css);
  });

  it('keeps cid: and https images, and data: images only on img', () => {
    const out = sanitizeHtml('<img src="cid:logo@x"><img src="data:image/png;base64,AAAA"><a href="cid:logo@x">l</a>');
    expect(out).toContain('src="cid:logo@x"');
    expect(out).toContain('src="data:image/png;base64,AAAA"');
  });

  it('opens links outside the app without a referrer', () => {
    expect(sanitizeHtml('<a href="https://x.test" target="_self">x</a>')).toContain('rel="noopener noreferrer nofollow"');
  });
});

describe('resolveCidLinks', () => {
  const urls: Record<string, string> = { 'logo@x': '/api/attachments/7', 'a b@x': '/api/attachments/8' };
  const resolve = (html: string) => resolveCidLinks(html, (cid) => urls[cid]);

  it('replaces known cid: references in src, href and CSS url()', () => {
    expect(resolve('<img src="cid:logo@x">')).toBe('<img src="/api/attachments/7">');
    expect(resolve("<img src='CID:logo@x'>")).toBe("<img src='/api/attachments/7'>");
    expect(resolve('<div style="background:url(cid:logo@x)">')).toBe('<div style="background:url(/api/attachments/7)">');
    expect(resolve('<img src="cid:a%20b@x">')).toBe('<img src="/api/attachments/8">');
  });

  it('leaves unknown references alone', () => {
    expect(resolve('<img src="cid:missing@x">')).toBe('<img src="cid:missing@x">');
  });
});
