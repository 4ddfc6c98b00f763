// Sends stored bytes as they are read. A reader that hangs up mid-way ends
// the pipeline with an error; that is not the server's failure, and once the
// headers went out there is no other answer to give.
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** Bytes written between two turns of the event loop: one JSON slice of a body. */
const BYTES_PER_TURN = 64 * 1024;

/**
 * Sends bytes already in memory, as fast as the reader takes them, with a
 * turn of the event loop after every BYTES_PER_TURN. A fast reader drains
 * the socket within the same turn (the 'drain' comes on the next tick), so
 * without the turns a multi-megabyte answer was written in one go while
 * every other request, /health among them, waited. No stream pipeline: each
 * pipeline ends by aborting its own AbortController, and that DOMException's
 * stack was a visible share of the event loop when one big message was read
 * in a loop. A reader that hangs up just ends the writing.
 */
export async function sendPieces(res: Response, pieces: readonly Buffer[]): Promise<void> {
  let sinceTurn = 0;
  for (const [i, piece] of pieces.entries()) {
    if (res.destroyed) return;
    if (!res.write(piece)) await drainedOrClosed(res);
    sinceTurn += piece.length;
    if (sinceTurn >= BYTES_PER_TURN && i < pieces.length - 1) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  if (!res.destroyed) res.end();
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
