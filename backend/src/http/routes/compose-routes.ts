// POST /api/messages: compose and send. JSON, or multipart/form-data
// with files (any field name; the web inbox uses `attachments`). Address
// lists are arrays in JSON and repeated fields in multipart; either may also
// hold comma-separated addresses. Both bodies are limited to the SMTP
// message size, and the composed message must fit it too (413).
import express, { type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { presentMessage } from '../../core/presenters.js';
import type { Core } from '../../core/core.js';
import { invalid, tooLarge } from '../../shared/app-error.js';
import { currentUser } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

const addressField = z
  .union([z.string().max(10_000), z.array(z.string().max(10_000)).max(1_000)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((a) => a.trim() !== ''));

// Multipart sends every scalar as text: '' means absent.
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

export const composeBody = z.object({
  to: addressField,
  cc: addressField,
  bcc: addressField,
  subject: z.string().max(998).default(''),
  text: z.preprocess(emptyAsUndefined, z.string().optional()),
  html: z.preprocess(emptyAsUndefined, z.string().optional()),
  inReplyToId: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()),
  /** JSON only: files as base64 */
  attachments: z
    .array(
      z.object({
        filename: z.string().min(1).max(255),
        contentType: z.string().max(255).default('application/octet-stream'),
        content: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64'),
      }),
    )
    .max(100)
    .optional(),
});

/** limit: the SMTP message size limit, which a composed message must fit too */
export function composeHandlers(core: Pick<Core, 'mailbox' | 'chat'>, limit: number): RequestHandler[] {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, fieldSize: limit, files: 100, fields: 1_000 },
  }).any();
  // base64 grows by a third; the composed message is checked against `limit` afterwards.
  const json = express.json({ limit: Math.ceil(limit * 1.37) + 64 * 1024, strict: true });

  const parseBody: RequestHandler = (req, res, next) => {
    if (!req.is('multipart/form-data')) return json(req, res, next);
    upload(req, res, (err: unknown) => next(err ? uploadError(err) : undefined));
  };

  const send: RequestHandler = async (req, res) => {
    const body = parseInput(composeBody, req.body ?? {}, 'body');
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const attachments = [
      ...files.map((f) => ({ filename: f.originalname || 'attachment', contentType: f.mimetype || 'application/octet-stream', content: f.buffer })),
      ...(body.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') })),
    ];
    const total = attachments.reduce((n, a) => n + a.content.length, 0);
    if (total > limit) throw tooLarge('message_too_large', `attachments total ${total} bytes; the limit is ${limit}`);
    const user = currentUser(req);
    const message = await core.mailbox.send(user, { ...body, attachments }, { remoteAddress: req.ip ?? '' });
    // The first ticks (delivered, queued) are written as the copies are stored: answer with them.
    await core.chat.firstStatusesWritten();
    const statuses = await core.chat.recipientsOf(user.id, [message]);
    const [servable] = await core.mailbox.servable([message]);
    res.status(202).json({ message: presentMessage(servable!, statuses.get(message.id)) });
  };

  return [parseBody, send];
}

function uploadError(err: unknown): Error {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_FIELD_VALUE') {
      return tooLarge('message_too_large', 'an attachment or field is larger than the message size limit');
    }
    return invalid('invalid_upload', `multipart body refused: ${err.message}`);
  }
  return invalid('invalid_upload', `multipart body could not be read: ${(err as Error).message}`);
}
