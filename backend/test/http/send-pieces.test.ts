// sendPieces hands a big answer to the socket 64 KiB per turn of the event
// loop: other requests (/health among them) are served between the pieces,
// however fast the reader takes them; a small answer goes out at once.
import { Writable } from 'node:stream';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { sendPieces } from '../../src/http/send-stream.js';

/** A reader that takes everything at once: write() never asks to wait for 'drain'. */
function fastReader(): { res: Response; received: Buffer[] } {
  const received: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1 << 30,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk);
      done();
    },
  });
  return { res: stream as unknown as Response, received };
}

describe('sendPieces', () => {
  it('lets the event loop turn between pieces, and sends every byte in order', async () => {
    const pieces = Array.from({ length: 50 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const { res, received } = fastReader();
    let turns = 0;
    let sending = true;
    const tick = () => {
      turns++;
      if (sending) setImmediate(tick);
    };
    setImmediate(tick);
    await sendPieces(res, pieces);
    sending = false;
    // One turn per piece after the first; written in one go, the ticker would not have run at all.
    expect(turns).toBeGreaterThanOrEqual(pieces.length - 1);
    expect(Buffer.concat(received).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('writes a small answer without waiting for a turn', async () => {
    const { res, received } = fastReader();
    const pieces = [Buffer.from('{"message":'), Buffer.alloc(1024, 0x61), Buffer.from('}')];
    let turned = false;
    setImmediate(() => (turned = true));
    await sendPieces(res, pieces);
    expect(turned).toBe(false);
    expect(Buffer.concat(received).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('stops writing when the reader has gone', async () => {
    const { res, received } = fastReader();
    const pieces = Array.from({ length: 10 }, () => Buffer.alloc(64 * 1024, 1));
    const sent = sendPieces(res, pieces);
    res.destroy();
    await sent;
    expect(received.length).toBeLessThan(pieces.length);
  });
});
