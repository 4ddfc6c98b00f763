// GET /api/folders/:id/export?format=mbox streams the folder as mboxrd;
// POST /api/folders/:id/import (body: an mbox file, any content type but
// JSON) imports it into the folder and answers {imported, failed, problems}.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { invalid } from '../../shared/app-error.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, parseInput } from '../validate.js';

const exportQuery = z.object({ format: z.literal('mbox').default('mbox') });

export function mailboxTransferRoutes(core: Pick<Core, 'transfer' | 'mailbox'>): Router {
  const r = Router();
  r.get('/:id/export', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    parseInput(exportQuery, req.query, 'query');
    // The folder is checked (404) before the first byte is sent.
    const { messages } = await core.transfer.openExport(currentUser(req).id, id);
    res.setHeader('Content-Type', 'application/mbox');
    res.setHeader('Content-Disposition', `attachment; filename="folder-${id}.mbox"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // A failure past the first byte can only cut the stream: the client sees an incomplete body, never a silent end.
    await pipeline(Readable.from(core.transfer.mboxStream(messages)), res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  r.post('/:id/import', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const user = currentUser(req);
    // express.json has read a JSON body already: it cannot be an mbox.
    if (req.is('application/json')) throw invalid('not_an_mbox', 'send the mbox file itself as the body (Content-Type: application/mbox)');
    const report = await core.transfer.importMailbox(user.email, id, core.transfer.mboxEntries(req));
    res.json(report);
  });
  return r;
}
