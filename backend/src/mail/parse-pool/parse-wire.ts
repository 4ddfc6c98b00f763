// A parse request and its answer as they cross between threads. The message
// goes over as an exact-size copy (the caller keeps its own, for the store and
// for the fallback when a parse is abandoned); attachment bytes come back
// moved, not copied.
import type { ParsedMessage } from '../parsed-message.js';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
}

/** The bytes to send: a view of a larger buffer would carry all of it along. */
export function requestBytes(raw: Buffer): Uint8Array {
  const ownsAll = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
  return ownsAll || raw.buffer instanceof SharedArrayBuffer ? raw : new Uint8Array(raw);
}

/** In the worker: attachment bytes that own their memory, so they can be moved. */
export function movableAnswer(parsed: ParsedMessage): ParsedMessage {
  for (const a of parsed.attachments) {
    const c = a.content;
    if (c.byteOffset !== 0 || c.byteLength !== c.buffer.byteLength) a.content = Buffer.from(new Uint8Array(c));
  }
  return parsed;
}

/** The buffers of an answer to move (each at most once: a list naming one twice is refused). */
export function answerTransfer(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const a of (value as ParsedMessage).attachments) {
    if (a.content.buffer instanceof ArrayBuffer) buffers.add(a.content.buffer);
  }
  return [...buffers];
}

/** On the main thread: cloned Uint8Arrays become Buffers again. */
export function fromAnswer(value: ParsedMessage): ParsedMessage {
  for (const a of value.attachments) {
    const c = a.content as Uint8Array;
    a.content = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  return value;
}
