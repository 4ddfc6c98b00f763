// POST /api/auth/register, POST /api/auth/login, GET /api/auth/me
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { presentUser } from '../../core/presenters.js';
import { currentUser, requireUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

export const registerBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  name: z.string().max(200).nullish(),
});
export const loginBody = z.object({ email: z.string().max(320), password: z.string().max(1024) });

export function authRoutes(core: Pick<Core, 'accounts'>): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    const body = parseInput(registerBody, req.body, 'body');
    const session = await core.accounts.register(body);
    res.status(201).json({ token: session.token, user: presentUser(session.user) });
  });
  r.post('/login', async (req, res) => {
    const body = parseInput(loginBody, req.body, 'body');
    const session = await core.accounts.login({ ...body, remoteAddress: req.ip ?? null });
    res.json({ token: session.token, user: presentUser(session.user) });
  });
  r.get('/me', requireUser(core), (req, res) => {
    res.json({ user: presentUser(currentUser(req)) });
  });
  return r;
}
