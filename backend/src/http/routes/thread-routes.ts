// /api/threads/:id (GET; PATCH and DELETE apply to every message of the thread,
// or with ?folderId= to those in one folder)
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { MessageRecord } from '../../core/model.js';
import { presentMessage } from '../../core/presenters.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, parseInput } from '../validate.js';
import { messageChangeBody } from './message-routes.js';

// ?folderId= limits a thread action to the copies in the folder being viewed:
// archiving a conversation from the Inbox leaves your own replies in Sent.
const scopeQuery = z.object({ folderId: z.coerce.number().int().positive().optional() });

export function threadRoutes(core: Pick<Core, 'mailbox' | 'chat'>): Router {
  const m = core.mailbox;
  const r = Router();
  r.get('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    const messages = await m.servable(await m.getThread(userId, id));
    const statuses = await core.chat.recipientsOf(userId, messages);
    res.json({ thread: threadOf(id, messages), messages: messages.map((msg) => presentMessage(msg, statuses.get(msg.id))) });
  });
  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const change = parseInput(messageChangeBody, req.body ?? {}, 'body');
    const userId = currentUser(req).id;
    const after = await m.changeMessages(userId, await m.threadInFolder(userId, id, folderOf(req)), change);
    res.json({ thread: threadOf(id, after) });
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    await m.deleteMessages(userId, await m.threadInFolder(userId, id, folderOf(req)));
    res.status(204).end();
  });
  return r;
}

const folderOf = (req: Request) => parseInput(scopeQuery, req.query, 'query').folderId;

function threadOf(id: number, messages: MessageRecord[]) {
  const participants = new Map<string, { address: string; name: string }>();
  for (const m of messages) {
    if (!participants.has(m.fromEmail.toLowerCase())) participants.set(m.fromEmail.toLowerCase(), { address: m.fromEmail, name: m.fromName });
  }
  const last = messages[messages.length - 1]!;
  return {
    id,
    subject: messages[0]!.subject,
    messageCount: messages.length,
    unreadCount: messages.filter((m) => !m.isRead).length,
    lastMessageAt: last.createdAt.toISOString(),
    participants: [...participants.values()],
  };
}
