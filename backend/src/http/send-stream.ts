// Sends stored bytes as they are read. A reader that hangs up mid-way ends
// the pipeline with an error; that is not the server's failure, and once the
// headers went out there is no other answer to give.
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Response } from 'express';

export async function sendStream(res: Response, body: Readable): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy();
  }
}
