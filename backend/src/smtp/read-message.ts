// Collects a DATA stream into one Buffer. smtp-server has already removed the
// dot-stuffing; bare LF line ends are made CRLF so /raw is always RFC 5322 shaped.
import type { Readable } from 'node:stream';
import { toCrlf } from '../mail/line-endings.js';

export interface ReadResult {
  raw: Buffer;
  sizeExceeded: boolean;
}

export function readMessage(stream: Readable & { sizeExceeded?: boolean }): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Over the limit we keep draining (RFC 5321 4.5.3.1.8) but stop buffering.
      if (stream.sizeExceeded) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.once('error', reject);
    stream.once('end', () => {
      if (stream.sizeExceeded) return resolve({ raw: Buffer.alloc(0), sizeExceeded: true });
      resolve({ raw: toCrlf(Buffer.concat(chunks, size)), sizeExceeded: false });
    });
  });
}
