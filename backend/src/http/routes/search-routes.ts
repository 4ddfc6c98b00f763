// GET /api/search?q=words&limit=
import { Router } from 'express';
import { z } from 'zod';
import { presentSummary } from '../../core/presenters.js';
import type { Services } from '../../core/services.js';
import { currentUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

const searchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function searchRoutes(s: Services): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { q, limit } = parseInput(searchQuery, req.query, 'query');
    const words = q.split(/\s+/).slice(0, 8);
    const messages = await s.messages.search(currentUser(req).id, words, limit);
    res.json({ messages: messages.map(presentSummary) });
  });
  return r;
}
