// Sends a JSON answer whose body was made in pieces (core/presenters.ts,
// JsonPieces) as res.json would send it, without joining the pieces into
// one string first: the same bytes, Content-Type and Content-Length, a weak
// ETag and a 304 for a client that has those bytes already.
import type { Request, Response } from 'express';
import type { JsonPieces } from '../core/presenters.js';
import { sendPieces } from './send-stream.js';

/** `{"<member>": <json>}` */
export async function sendJsonPieces(req: Request, res: Response, member: string, json: JsonPieces): Promise<void> {
  const open = Buffer.from(`{${JSON.stringify(member)}:`);
  const close = Buffer.from('}');
  const bytes = open.length + json.bytes + close.length;
  res.set('Content-Type', 'application/json; charset=utf-8');
  // The member name is part of the entity, the digest covers the rest; express's ETags are weak too.
  if (req.app.get('etag fn')) res.set('ETag', `W/"${bytes.toString(16)}-${json.digest}"`);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.set('Content-Length', String(bytes));
  await sendPieces(res, [open, ...json.pieces, close]);
}
