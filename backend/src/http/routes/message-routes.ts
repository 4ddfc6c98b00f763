// /api/messages/:id (GET, PATCH, DELETE), /api/messages/:id/raw
import { Router } from 'express';
import { z } from 'zod';
import { changeMessages, deleteMessages, getMessage, getRaw } from '../../core/mailbox.js';
import { presentMessage } from '../../core/presenters.js';
import type { Services } from '../../core/services.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, parseInput } from '../validate.js';

export const messageChangeBody = z
  .object({
    isRead: z.boolean().optional(),
    isStarred: z.boolean().optional(),
    folderId: z.number().int().positive().optional(),
  })
  .strict();

export function messageRoutes(s: Services): Router {
  const r = Router();
  r.get('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    const message = await getMessage(s, userId, id);
    const statuses = await s.chat.tracking.recipientsOf(userId, [message]);
    res.json({ message: presentMessage(message, statuses.get(message.id)) });
  });
  r.get('/:id/raw', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const raw = await getRaw(s, currentUser(req).id, id);
    res.set({
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="message-${id}.eml"`,
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
    res.send(raw);
  });
  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const change = parseInput(messageChangeBody, req.body ?? {}, 'body');
    const userId = currentUser(req).id;
    const [message] = await changeMessages(s, userId, [await getMessage(s, userId, id)], change);
    res.json({ message: presentMessage(message!) });
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    await deleteMessages(s, userId, [await getMessage(s, userId, id)]);
    res.status(204).end();
  });
  return r;
}
