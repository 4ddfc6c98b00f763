// /api/threads/:id (GET; PATCH and DELETE apply to every message of the thread,
// or with ?folderId= to those in one folder)
import { Router, type Request } from 'express';
import { z } from 'zod';
import { changeMessages, deleteMessages, getThread, type MailboxDeps } from '../../core/mailbox.js';
import { notFound } from '../../shared/app-error.js';
import { presentMessage } from '../../core/presenters.js';
import type { Services } from '../../core/services.js';
import type { MessageRecord } from '../../storage/records.js';
import { currentUser } from '../auth-middleware.js';
import { idParam, parseInput } from '../validate.js';
import { messageChangeBody } from './message-routes.js';

export function threadRoutes(s: Services): Router {
  const r = Router();
  r.get('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    const messages = await getThread(s, userId, id);
    const statuses = await s.chat.tracking.recipientsOf(userId, messages);
    res.json({ thread: threadOf(id, messages), messages: messages.map((m) => presentMessage(m, statuses.get(m.id))) });
  });
  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const change = parseInput(messageChangeBody, req.body ?? {}, 'body');
    const userId = currentUser(req).id;
    const after = await changeMessages(s, userId, await scopedThread(s, req, userId, id), change);
    res.json({ thread: threadOf(id, after) });
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const userId = currentUser(req).id;
    await deleteMessages(s, userId, await scopedThread(s, req, userId, id));
    res.status(204).end();
  });
  return r;
}

// ?folderId= limits a thread action to the copies in the folder being viewed:
// archiving a conversation from the Inbox leaves your own replies in Sent.
const scopeQuery = z.object({ folderId: z.coerce.number().int().positive().optional() });

async function scopedThread(s: MailboxDeps, req: Request, userId: number, threadId: number): Promise<MessageRecord[]> {
  const { folderId } = parseInput(scopeQuery, req.query, 'query');
  const messages = await getThread(s, userId, threadId);
  if (folderId === undefined) return messages;
  const inFolder = messages.filter((m) => m.folderId === folderId);
  if (inFolder.length === 0) throw notFound('thread');
  return inFolder;
}

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
