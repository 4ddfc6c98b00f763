// GET /api/attachments/:id: the exact decoded bytes, served so that a browser
// never renders or sniffs them in our origin.
import { Router } from 'express';
import type { Core } from '../../core/core.js';
import { currentUser } from '../auth-middleware.js';
import { sendStream } from '../send-stream.js';
import { idParam, parseInput } from '../validate.js';

// A Content-Type is passed through only when it is a plain type/subtype.
const SAFE_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

export function attachmentRoutes(core: Pick<Core, 'mailbox'>): Router {
  const r = Router();
  r.get('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const { attachment, content } = await core.mailbox.getAttachment(currentUser(req).id, id);
    res.set({
      'Content-Type': SAFE_TYPE.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream',
      'Content-Length': String(attachment.size),
      'Content-Disposition': contentDisposition(attachment.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'private, max-age=3600',
    });
    await sendStream(res, content);
  });
  return r;
}

/** RFC 6266 + RFC 5987: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_').replace(/[/\\]/g, '_') || 'attachment';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
