import type { AttachmentDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { attachmentIdForUrl, buildSrcdoc, contentSecurityPolicy, IFRAME_SANDBOX, inlineAttachmentIds } from './srcdoc-builder';

const logo: AttachmentDto = { id: 7, filename: 'logo.png', contentType: 'image/png', size: 10, contentId: '<logo@x>', sha256: 'a' };
const report: AttachmentDto = { id: 8, filename: 'r.pdf', contentType: 'application/pdf', size: 10, contentId: null, sha256: 'b' };
const DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

function build(html: string, allowRemote = false, attachments = [logo, report]) {
  return buildSrcdoc(html, { allowRemote, attachments, inlineDataUrls: new Map([[7, DATA_URL]]) });
}

function bodyOf(srcdoc: string): Document {
  return new DOMParser().parseFromString(srcdoc, 'text/html');
}

describe('content security policy', () => {
  it("starts with default-src 'none' and allows only data: images until remote content is allowed", () => {
    expect(contentSecurityPolicy(false)).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    const open = contentSecurityPolicy(true);
    expect(open.startsWith("default-src 'none';")).toBe(true);
    expect(open).toContain('img-src data: http: https:');
    expect(open).toContain("style-src 'unsafe-inline' http: https:");
    expect(open).toContain('font-src data: http: https:');
    expect(open).not.toContain('script-src');
  });

  it('puts the CSP meta first in head, and the sandbox never allows scripts or same-origin', () => {
    const { srcdoc } = build('<p>hi</p>');
    const doc = bodyOf(srcdoc);
    const firstMeta = doc.head.querySelector('meta[http-equiv]');
    expect(firstMeta?.getAttribute('content')).toBe(contentSecurityPolicy(false));
    expect(doc.head.innerHTML.indexOf('Content-Security-Policy')).toBeLessThan(doc.head.innerHTML.indexOf('<style'));
    expect(IFRAME_SANDBOX).not.toMatch(/allow-scripts|allow-same-origin/);
  });
});

describe('hostile HTML', () => {
  const hostile =
    '<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>' +
    '<a href=" java\tscript:alert(4)">tab</a><iframe src="https://evil.example"></iframe><meta http-equiv="refresh" content="0;url=https://evil.example">' +
    '<form action="javascript:alert(5)"><button formaction="javascript:alert(6)">go</button></form><object data="x.swf"></object>' +
    '<svg><image href="http://127.0.0.1:9/pixel"></image></svg>';

  it('drops scripts, handlers, javascript: URLs, frames, objects and meta refresh', () => {
    const { srcdoc } = build(hostile);
    const doc = bodyOf(srcdoc);
    const body = doc.body.innerHTML.toLowerCase();
    expect(doc.querySelectorAll('script, iframe, object, embed').length).toBe(0);
    expect(body).not.toContain('onerror');
    expect(body).not.toContain('javascript:');
    expect(body).not.toMatch(/java\s*script/);
    expect(doc.body.querySelector('meta')).toBeNull();
    expect(doc.head.querySelectorAll('meta[http-equiv]').length).toBe(1); // only our CSP
  });

  it('holds back remote images, srcset, CSS urls, @import and stylesheets, and counts them', () => {
    const html =
      '<style>@import "https://evil.example/a.css"; .x{background:url(https://evil.example/bg.png)}</style>' +
      '<link rel="stylesheet" href="https://evil.example/s.css">' +
      '<img src="http://127.0.0.1:9/pixel"><img srcset="https://evil.example/2x.png 2x">' +
      '<div style="background-image:url(\'//evil.example/p.gif\')">x</div>';
    const { srcdoc, blockedRemote } = build(html);
    expect(blockedRemote).toBe(6);
    expect(srcdoc).not.toMatch(/\ssrc="https?:|srcset=|url\(["']?(https?:)?\/\/|@import|<link/);
    expect(srcdoc).toContain('data-blocked-src="http://127.0.0.1:9/pixel"');
    expect(srcdoc).toContain('background-image:none');
  });

  it('keeps remote content (under the wider CSP) once the user allowed it, still without scripts', () => {
    const { srcdoc, blockedRemote } = build('<img src="http://127.0.0.1:9/pixel"><script>x()</script>', true);
    expect(blockedRemote).toBe(0);
    expect(srcdoc).toContain('src="http://127.0.0.1:9/pixel"');
    expect(srcdoc).toContain(contentSecurityPolicy(true));
    expect(srcdoc).not.toContain('<script');
  });

  it('makes links open in a new tab without referrer or opener', () => {
    const doc = bodyOf(build('<a href="https://example.com">x</a>').srcdoc);
    const a = doc.body.querySelector('a')!;
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('inline attachments', () => {
  it('recognises the server-rewritten URL and a raw cid:, only for this message\'s attachments', () => {
    expect(attachmentIdForUrl('/api/attachments/7', [logo])).toBe(7);
    expect(attachmentIdForUrl('http://localhost:3004/api/attachments/7?inline=1', [logo])).toBe(7);
    expect(attachmentIdForUrl('cid:logo@x', [logo])).toBe(7);
    expect(attachmentIdForUrl('CID:LOGO@X', [logo])).toBe(7);
    expect(attachmentIdForUrl('/api/attachments/99', [logo])).toBeNull();
    expect(attachmentIdForUrl('https://example.com/logo.png', [logo])).toBeNull();
  });

  it('replaces inline images with data: URLs (the sandbox cannot send our token)', () => {
    const html = '<img src="/api/attachments/7" alt="logo"><img src="cid:logo@x"><div style="background:url(/api/attachments/7)"></div>';
    const { srcdoc, blockedRemote } = build(html);
    expect(blockedRemote).toBe(0);
    const doc = bodyOf(srcdoc);
    const imgs = Array.from(doc.body.querySelectorAll('img'));
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual([DATA_URL, DATA_URL]);
    expect(srcdoc).toContain(`url('${DATA_URL}')`);
    expect(srcdoc).not.toContain('/api/attachments/');
    expect(inlineAttachmentIds(html, [logo, report])).toEqual([7]);
  });

  it('drops relative URLs that would hit our own origin', () => {
    const { srcdoc } = build('<img src="/api/auth/me"><img src="relative.png">');
    expect(bodyOf(srcdoc).body.querySelectorAll('img[src]').length).toBe(0);
  });
});

describe('layout for measuring', () => {
  it('is exactly the styles and body the frame gets, so the measured height is the frame\'s', () => {
    const { srcdoc, layout } = build('<style>p{margin:3px}</style><body style="background:#eee"><p>hi</p><script>x()</script></body>');
    expect(srcdoc).toContain(`${layout.styles}</head><body>${layout.body}</body>`);
    expect(layout.styles).toContain('p{margin:3px}');
    expect(layout.body).toContain('style="background:#eee"');
    expect(layout.body).not.toContain('<script');
  });
});
