// Server-side HTML sanitising with sanitize-html (a maintained sanitiser):
// no scripts, no event handlers, no javascript: URLs. What remains is still
// untrusted; the web inbox renders it in a sandboxed iframe under a CSP.
// The server sanitises on a worker thread, once per message (sanitize-pool/).
import sanitize from 'sanitize-html';

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

/** Points cid: references at attachment URLs, given contentId -> url. */
export function resolveCidLinks(html: string, urlFor: (contentId: string) => string | undefined): string {
  return html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, open: string, cid: string) => {
    const url = urlFor(decodeURIComponent(cid));
    return url ? `${open}${url}` : match;
  });
}
