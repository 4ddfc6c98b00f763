// Server-side HTML sanitising with sanitize-html (a maintained sanitiser):
// no scripts, no event handlers, no javascript: URLs. What remains is still
// untrusted; the web inbox renders it in a sandboxed iframe under a CSP.
import sanitize from 'sanitize-html';
import { LruCache } from './lru-cache.js';

const OPTIONS: sanitize.IOptions = {
  allowedTags: [
    ...sanitize.defaults.allowedTags,
    'img', 'font', 'center', 'span', 'div', 'style', 'html', 'head', 'body', 'title', 'meta',
    'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col', 'u', 's', 'strike', 'small', 'big',
  ],
  // <style> content is raw text to the parser, so it cannot smuggle tags out.
  allowVulnerableTags: true,
  allowedAttributes: {
    '*': ['style', 'class', 'id', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'title', 'border'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    font: ['face', 'size', 'color'],
    table: ['cellpadding', 'cellspacing', 'border', 'width', 'summary'],
    td: ['colspan', 'rowspan', 'nowrap'],
    th: ['colspan', 'rowspan', 'nowrap', 'scope'],
    meta: ['charset'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'cid', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'cid', 'data'] },
  allowProtocolRelative: false,
  transformTags: {
    // Links open outside the mail view and never tell the sender where from.
    a: sanitize.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
  },
};

// Kept <style> blocks are raw text to an HTML parser, but a parser-confusion
// input (<math><mtext><table><mglyph><style>...) can leave markup-looking text
// inside one. Real CSS never needs '<' beyond the legacy '<!--', so a block
// that has one is emptied rather than trusted to stay inert.
const STYLE_BLOCK = /(<style\b[^>]*>)([\s\S]*?)(<\/style>|$)/gi;

export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS).replace(STYLE_BLOCK, (block, open: string, css: string, close: string) =>
    /<(?!!--)/.test(css) ? `${open}${close}` : block,
  );
}

// Sanitising costs about as much as parsing the mail, so it happens when a
// message is served, not when it arrives (most mail is read once or never),
// and the result is kept for the next view of the same content.
const recent = new LruCache<string, string>(4_000_000, (html) => html.length);

/** sanitizeHtml, remembered under `contentKey` (a message's raw sha256: the same bytes give the same HTML). */
export function sanitizedHtmlFor(contentKey: string, html: string): string {
  if (!html) return '';
  let safe = recent.get(contentKey);
  if (safe === undefined) {
    safe = sanitizeHtml(html);
    recent.set(contentKey, safe);
  }
  return safe;
}

/** Points cid: references at attachment URLs, given contentId -> url. */
export function resolveCidLinks(html: string, urlFor: (contentId: string) => string | undefined): string {
  return html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, open: string, cid: string) => {
    const url = urlFor(decodeURIComponent(cid));
    return url ? `${open}${url}` : match;
  });
}
