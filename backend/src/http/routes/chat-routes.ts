// /api/presence, /api/contacts, /api/settings/chat: the chat's REST side.
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { currentUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

const MAX_PRESENCE_ADDRESSES = 100;

export const presenceQuery = z.object({
  addresses: z
    .string()
    .max(MAX_PRESENCE_ADDRESSES * 320)
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(320)).min(1).max(MAX_PRESENCE_ADDRESSES)),
});

export const settingsBody = z
  .object({ requestReadReceipts: z.boolean().optional(), sendReadReceipts: z.boolean().optional() })
  .strict()
  .refine((b) => b.requestReadReceipts !== undefined || b.sendReadReceipts !== undefined, 'give requestReadReceipts or sendReadReceipts');

export function presenceRoutes(core: Pick<Core, 'chat'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { addresses } = parseInput(presenceQuery, req.query, 'query');
    res.json({ presence: await core.chat.presenceFor(currentUser(req), addresses) });
  });
  return r;
}

export function contactRoutes(core: Pick<Core, 'chat'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json({ contacts: await core.chat.contacts(currentUser(req)) });
  });
  return r;
}

export function chatSettingsRoutes(core: Pick<Core, 'chat'>): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json({ settings: await core.chat.settings(currentUser(req)) });
  });
  r.patch('/', async (req, res) => {
    const change = parseInput(settingsBody, req.body ?? {}, 'body');
    res.json({ settings: await core.chat.saveSettings(currentUser(req), change) });
  });
  return r;
}
