// GET /api/folders, /api/folders/:id/messages, /api/folders/:id/threads
import { Router } from 'express';
import { ownedFolder } from '../../core/mailbox.js';
import { presentFolder, presentSummary, presentThreadSummary } from '../../core/presenters.js';
import type { Services } from '../../core/services.js';
import { invalid } from '../../shared/app-error.js';
import { decodeCursor } from '../../storage/cursor.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, pageQuery, parseInput } from '../validate.js';

export function folderRoutes(s: Services): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const folders = await s.folders.listWithCounts(currentUser(req).id);
    res.json({ folders: folders.map(presentFolder) });
  });
  r.get('/:id/messages', async (req, res) => {
    const { userId, folderId, limit, cursor } = await pageOf(s, req);
    const page = await s.messages.listInFolder(userId, folderId, limit, cursor);
    res.json({ messages: page.items.map(presentSummary), nextCursor: page.nextCursor });
  });
  r.get('/:id/threads', async (req, res) => {
    const { userId, folderId, limit, cursor } = await pageOf(s, req);
    const page = await s.messages.listThreadsInFolder(userId, folderId, limit, cursor);
    res.json({ threads: page.items.map(presentThreadSummary), nextCursor: page.nextCursor });
  });
  return r;
}

async function pageOf(s: Services, req: import('express').Request) {
  const userId = currentUser(req).id;
  const { id } = parseInput(idParam, req.params, 'path');
  const q = parseInput(pageQuery, req.query, 'query');
  if (q.cursor && !decodeCursor(q.cursor)) throw invalid('invalid_cursor', 'cursor is not one this server issued');
  await ownedFolder(s, userId, id);
  return { userId, folderId: id, limit: q.limit, cursor: q.cursor ?? null };
}
