// Turns a message's (already server-sanitised) HTML into the srcdoc of a
// sandboxed iframe. Three layers keep hostile mail harmless:
//   1. the iframe sandbox (no allow-scripts, no allow-same-origin);
//   2. a CSP meta that starts `default-src 'none'` and allows remote
//      images/CSS/fonts only after the user asked for them;
//   3. this rewrite: scripts, handlers and javascript: URLs go again (in case
//      the server missed one), inline attachments become data: URLs (the
//      iframe cannot send our bearer token), and while remote content is
//      blocked its URLs are removed, so the browser neither fetches them nor
//      logs CSP violations, and we can tell the user how much was held back.
import type { AttachmentDto } from '@contracts/api';

export interface SrcdocOptions {
  allowRemote: boolean;
  /** data: URLs of this message's inline attachments, by attachment id. */
  inlineDataUrls: ReadonlyMap<number, string>;
  attachments: readonly AttachmentDto[];
}

export interface BuiltSrcdoc {
  srcdoc: string;
  /** How many remote resources were held back (0 when allowRemote). */
  blockedRemote: number;
  /** The same styles and body as the srcdoc, for measuring its height outside the frame (html-body-frame.tsx). */
  layout: FrameLayout;
}

export interface FrameLayout {
  /** our base style and the mail's own <style>/<link> elements */
  styles: string;
  /** what goes inside <body> */
  body: string;
}

export function contentSecurityPolicy(allowRemote: boolean): string {
  return allowRemote
    ? "default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline' http: https:; font-src data: http: https:"
    : "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
}

/** Sandbox tokens: popups only, so links open in a new, unsandboxed tab. */
export const IFRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

const REMOVED_ELEMENTS = 'script, noscript, iframe, frame, frameset, object, embed, applet, base, meta, portal, template';
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'background', 'poster', 'xlink:href', 'data', 'cite', 'longdesc'];
const FETCHED_ATTRIBUTES = ['src', 'background', 'poster'];
const SAFE_LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

const BASE_STYLE =
  'html,body{margin:0}body{padding:12px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;' +
  'overflow-wrap:anywhere}img{max-width:100%;height:auto}pre{white-space:pre-wrap}';

/** Which of this message's attachments the HTML shows inline (so the list can skip them). */
export function inlineAttachmentIds(bodyHtml: string, attachments: readonly AttachmentDto[]): number[] {
  if (!bodyHtml) return [];
  const doc = new DOMParser().parseFromString(bodyHtml, 'text/html');
  const ids = new Set<number>();
  for (const el of Array.from(doc.querySelectorAll('[src], [background], [poster]'))) {
    for (const name of FETCHED_ATTRIBUTES) {
      const value = el.getAttribute(name);
      const id = value === null ? null : attachmentIdForUrl(value, attachments);
      if (id !== null) ids.add(id);
    }
  }
  for (const css of cssTexts(doc)) {
    for (const match of css.matchAll(CSS_URL)) {
      const id = attachmentIdForUrl(unquoteCssUrl(match[1] ?? ''), attachments);
      if (id !== null) ids.add(id);
    }
  }
  return [...ids];
}

/** `/api/attachments/7` (as the server rewrites cid:) or a raw `cid:` the server left. */
export function attachmentIdForUrl(url: string, attachments: readonly AttachmentDto[]): number | null {
  const value = url.trim();
  const cid = /^cid:(.+)$/i.exec(value);
  if (cid?.[1]) {
    const wanted = stripAngles(decodeSafely(cid[1])).toLowerCase();
    const hit = attachments.find((a) => a.contentId && stripAngles(a.contentId).toLowerCase() === wanted);
    return hit ? hit.id : null;
  }
  const path = /^(?:https?:\/\/[^/?#]+)?\/api\/attachments\/(\d+)(?:[/?#].*)?$/i.exec(value);
  if (path?.[1]) {
    const id = Number(path[1]);
    // Only the message's own attachments: mail cannot pull in anything else.
    return attachments.some((a) => a.id === id) ? id : null;
  }
  return null;
}

export function buildSrcdoc(bodyHtml: string, options: SrcdocOptions): BuiltSrcdoc {
  const doc = new DOMParser().parseFromString(bodyHtml, 'text/html');
  let blockedRemote = 0;
  const resolveUrl = (raw: string): { value: string | null; blocked: boolean } => {
    const id = attachmentIdForUrl(raw, options.attachments);
    if (id !== null) return { value: options.inlineDataUrls.get(id) ?? null, blocked: false };
    if (isDataImage(raw)) return { value: raw, blocked: false };
    if (isRemote(raw)) return options.allowRemote ? { value: raw, blocked: false } : { value: null, blocked: true };
    // Relative URLs would resolve against our own origin: never useful, never wanted.
    return { value: null, blocked: false };
  };

  doc.querySelectorAll(REMOVED_ELEMENTS).forEach((el) => el.remove());
  doc.querySelectorAll('link').forEach((link) => {
    const keep = options.allowRemote && /stylesheet/i.test(link.getAttribute('rel') ?? '') && isRemote(link.getAttribute('href') ?? '');
    if (!keep) {
      if (isRemote(link.getAttribute('href') ?? '')) blockedRemote++;
      link.remove();
    }
  });

  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name)) el.removeAttribute(attr.name);
      else if (URL_ATTRIBUTES.includes(attr.name.toLowerCase()) && hasDangerousScheme(attr.value)) el.removeAttribute(attr.name);
    }
    for (const name of FETCHED_ATTRIBUTES) {
      const raw = el.getAttribute(name);
      if (raw === null) continue;
      const { value, blocked } = resolveUrl(raw);
      if (blocked) {
        blockedRemote++;
        el.setAttribute(`data-blocked-${name}`, raw);
      }
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, value);
    }
    for (const name of ['srcset', 'imagesrcset']) {
      if (el.hasAttribute(name) && !options.allowRemote) {
        blockedRemote++;
        el.removeAttribute(name);
      }
    }
    // SVG <image>/<use>/<feImage> fetch through href: same rule as <img src>.
    if (['image', 'use', 'feimage'].includes(el.localName.toLowerCase())) {
      for (const name of ['href', 'xlink:href']) {
        const raw = el.getAttribute(name);
        if (raw === null || raw.startsWith('#')) continue;
        const { value, blocked } = resolveUrl(raw);
        if (blocked) blockedRemote++;
        if (value === null) el.removeAttribute(name);
        else el.setAttribute(name, value);
      }
    }
    const style = el.getAttribute('style');
    if (style) {
      const rewritten = rewriteCss(style, resolveUrl);
      blockedRemote += rewritten.blocked;
      el.setAttribute('style', rewritten.css);
    }
    if (el.tagName === 'A' && el.hasAttribute('href')) {
      const href = el.getAttribute('href') ?? '';
      if (!isSafeLink(href)) el.removeAttribute('href');
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  }

  for (const styleEl of Array.from(doc.querySelectorAll('style'))) {
    const rewritten = rewriteCss(styleEl.textContent ?? '', resolveUrl);
    blockedRemote += rewritten.blocked;
    styleEl.textContent = rewritten.css;
  }

  const headStyles = Array.from(doc.head.querySelectorAll('style, link'))
    .map((el) => el.outerHTML)
    .join('');
  // Keep the body's own look (background, colours) on a wrapper: we write our own <body>.
  const bodyStyle = doc.body.getAttribute('style');
  const bodyBg = doc.body.getAttribute('bgcolor');
  const wrapperStyle = [bodyBg && /^[#\w]+$/.test(bodyBg) ? `background-color:${bodyBg}` : '', bodyStyle ?? '']
    .filter(Boolean)
    .join(';');
  const wrapperAttr = wrapperStyle ? ` style="${escapeAttribute(wrapperStyle)}"` : '';

  const layout: FrameLayout = {
    styles: `<style>${BASE_STYLE}</style>${headStyles}`,
    body: `<div class="chitbox-mail"${wrapperAttr}>${doc.body.innerHTML}</div>`,
  };
  const srcdoc =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.allowRemote)}">` +
    '<meta name="referrer" content="no-referrer"><base target="_blank">' +
    `${layout.styles}</head><body>${layout.body}</body></html>`;
  return { srcdoc, blockedRemote: options.allowRemote ? 0 : blockedRemote, layout };
}

const CSS_URL = /url\(\s*((?:"[^"]*"|'[^']*'|[^)]*?))\s*\)/gi;

function rewriteCss(
  css: string,
  resolveUrl: (raw: string) => { value: string | null; blocked: boolean },
): { css: string; blocked: number } {
  let blocked = 0;
  let out = css.replace(CSS_URL, (_whole, inner: string) => {
    const { value, blocked: wasBlocked } = resolveUrl(unquoteCssUrl(inner));
    if (wasBlocked) blocked++;
    // Single quotes: the CSS often ends up inside a double-quoted style="" attribute.
    return value === null ? 'none' : `url('${value.replace(/['"]/g, encodeURIComponent)}')`;
  });
  // @import "http://..." without url(): fetches a stylesheet, so treat it the same way.
  out = out.replace(/@import\s+(["'])([^"']*)\1[^;]*;?/gi, (whole, _q: string, target: string) => {
    const { value, blocked: wasBlocked } = resolveUrl(target);
    if (wasBlocked) blocked++;
    return value === null ? '' : whole;
  });
  return { css: out, blocked };
}

function cssTexts(doc: Document): string[] {
  const texts = Array.from(doc.querySelectorAll('style')).map((s) => s.textContent ?? '');
  doc.querySelectorAll('[style]').forEach((el) => texts.push(el.getAttribute('style') ?? ''));
  return texts;
}

function unquoteCssUrl(inner: string): string {
  const trimmed = inner.trim();
  return /^(["']).*\1$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}

function isRemote(url: string): boolean {
  return /^\s*(?:https?:)?\/\//i.test(url);
}

function isDataImage(url: string): boolean {
  return /^\s*data:image\/(?:png|gif|jpe?g|webp|bmp|avif);/i.test(url);
}

function hasDangerousScheme(url: string): boolean {
  // Browsers ignore control characters and whitespace inside the scheme ("java\tscript:").
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
  return /^(?:javascript|vbscript|livescript):/.test(compact) || /^data:(?!image\/)/.test(compact);
}

function isSafeLink(href: string): boolean {
  if (href.startsWith('#')) return true;
  try {
    return SAFE_LINK_SCHEMES.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

function stripAngles(value: string): string {
  return value.replace(/^<|>$/g, '');
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
