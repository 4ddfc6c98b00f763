// GET /api/folders, /api/folders/:id/messages, /api/folders/:id/threads
// (:id may also be a system folder's kind: /api/folders/inbox/threads);
// custom folders: POST /api/folders, PATCH and DELETE /api/folders/:id
import { Router, type Request } from 'express';
import { z } from 'zod';
import { MAX_FOLDER_NAME } from '../../core/folders.js';
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
  r.post('/', async (req, res) => {
    const { name } = parseInput(folderBody, req.body, 'body');
    const folder = await core.mailbox.createFolder(currentUser(req).id, name);
    res.status(201).json({ folder: presentFolder({ ...folder, unreadCount: 0, totalCount: 0 }) });
  });
  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const { name } = parseInput(folderBody, req.body, 'body');
    const userId = currentUser(req).id;
    await core.mailbox.renameFolder(userId, id, name);
    const folder = (await core.mailbox.listFolders(userId)).find((f) => f.id === id)!;
    res.json({ folder: presentFolder(folder) });
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    await core.mailbox.deleteFolder(currentUser(req).id, id);
    res.status(204).end();
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

export const folderBody = z.object({ name: z.string().min(1).max(MAX_FOLDER_NAME) });

function pageOf(req: Request) {
  const { id } = parseInput(folderParam, req.params, 'path');
  const q = parseInput(pageQuery, req.query, 'query');
  return { folderId: id, page: { limit: q.limit, cursor: q.cursor ?? null } };
}
