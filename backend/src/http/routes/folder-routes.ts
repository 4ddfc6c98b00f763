// GET /api/folders, /api/folders/:id/messages, /api/folders/:id/threads
// (:id may also be a system folder's kind: /api/folders/inbox/threads)
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { presentFolder, presentSummary, presentThreadSummary } from '../../core/presenters.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, pageQuery, parseInput } from '../validate.js';

const folderParam = z.union([z.object({ id: z.enum(['inbox', 'sent', 'drafts', 'archive', 'spam', 'trash']) }), idParam]);

export function folderRoutes(core: Pick<Core, 'mailbox'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const folders = await core.mailbox.listFolders(currentUser(req).id);
    res.json({ folders: folders.map(presentFolder) });
  });
  r.get('/:id/messages', async (req, res) => {
    const { folderId, page } = pageOf(req);
    const found = await core.mailbox.listMessages(currentUser(req).id, folderId, page);
    res.json({ messages: found.items.map(presentSummary), nextCursor: found.nextCursor });
  });
  r.get('/:id/threads', async (req, res) => {
    const { folderId, page } = pageOf(req);
    const found = await core.mailbox.listThreads(currentUser(req).id, folderId, page);
    res.json({ threads: found.items.map(presentThreadSummary), nextCursor: found.nextCursor });
  });
  return r;
}

function pageOf(req: Request) {
  const { id } = parseInput(folderParam, req.params, 'path');
  const q = parseInput(pageQuery, req.query, 'query');
  return { folderId: id, page: { limit: q.limit, cursor: q.cursor ?? null } };
}
