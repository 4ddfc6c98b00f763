// /api/messages/:id (GET, PATCH, DELETE), /api/messages/:id/raw
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { presentMessage, presentMessageJson } from '../../core/presenters.js';
import { currentUser } from '../auth-middleware.js';
import { sendJsonPieces } from '../send-json-pieces.js';
import { sendStream } from '../send-stream.js';
import { idParam, parseInput } from '../validate.js';

export const messageChangeBody = z
  .object({
    isRead: z.boolean().optional(),
    isStarred: z.boolean().optional(),
    folderId: z.number().int().positive().optional(),
  })
  .strict();

export function messageRoutes(core: Pick<Core, 'mailbox' | 'chat'>): Router {
  const m = core.mailbox;
  const r = Router();
  r.get('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    const message = await m.readMessage(userId, id);
    const statuses = await core.chat.recipientsOf(userId, [message]);
    await sendJsonPieces(req, res, 'message', presentMessageJson(message, statuses.get(message.id)));
  });
  r.get('/:id/raw', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const raw = await m.getRaw(currentUser(req).id, id);
    res.set({
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="message-${id}.eml"`,
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
    await sendStream(res, raw);
  });
  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const change = parseInput(messageChangeBody, req.body ?? {}, 'body');
    const userId = currentUser(req).id;
    const [message] = await m.servable(await m.changeMessages(userId, [await m.getMessage(userId, id)], change));
    res.json({ message: presentMessage(message!) });
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    await m.deleteMessages(userId, [await m.getMessage(userId, id)]);
    res.status(204).end();
  });
  return r;
}
