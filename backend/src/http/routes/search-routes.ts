// GET /api/search?q=&limit=&cursor= (CONTRACT.md "Search, import and export")
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { presentSearchResult } from '../../core/presenters.js';
import { currentUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

// The query's own limits (length, number of words) are the parser's, which
// answers each with a message saying which; this only bounds what is read.
const searchQuery = z.object({
  q: z.string().max(10_000),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

export function searchRoutes(core: Pick<Core, 'mailbox'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { q, limit, cursor } = parseInput(searchQuery, req.query, 'query');
    const found = await core.mailbox.search(currentUser(req).id, q, { limit, cursor: cursor ?? null });
    res.json({ messages: found.items.map(presentSearchResult), nextCursor: found.nextCursor });
  });
  return r;
}
