// GET /api/search?q=words&limit=
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { presentSummary } from '../../core/presenters.js';
import { currentUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

const searchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function searchRoutes(core: Pick<Core, 'mailbox'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { q, limit } = parseInput(searchQuery, req.query, 'query');
    const messages = await core.mailbox.search(currentUser(req).id, q, limit);
    res.json({ messages: messages.map(presentSummary) });
  });
  return r;
}
