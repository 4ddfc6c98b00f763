// POST /api/auth/register, POST /api/auth/login, GET /api/auth/me
import { Router } from 'express';
import { z } from 'zod';
import { login, register } from '../../core/accounts.js';
import { presentUser } from '../../core/presenters.js';
import type { Services } from '../../core/services.js';
import { currentUser, requireUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

const registerBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  name: z.string().max(200).nullish(),
});
const loginBody = z.object({ email: z.string().max(320), password: z.string().max(1024) });

export function authRoutes(s: Services): Router {
  const r = Router();
  r.post('/register', async (req, res) => {
    const body = parseInput(registerBody, req.body, 'body');
    const session = await register(s, body);
    res.status(201).json({ token: session.token, user: presentUser(session.user) });
  });
  r.post('/login', async (req, res) => {
    const body = parseInput(loginBody, req.body, 'body');
    const session = await login(s, { ...body, remoteAddress: req.ip ?? null });
    res.json({ token: session.token, user: presentUser(session.user) });
  });
  r.get('/me', requireUser(s), (req, res) => {
    res.json({ user: presentUser(currentUser(req)) });
  });
  return r;
}
