// How blobs are laid out in blob_chunks, and the advisory-lock keys that keep
// a release from removing a blob a delivery is about to name.

/** Bytes with their sha256, as a delivery stores them. */
export interface BlobBytes {
  sha256: string;
  bytes: Uint8Array;
}

/**
 * Bigger blobs are split so that no single value is huge: a row is read
 * (and streamed out) one chunk at a time, and TOAST compresses and stores
 * each chunk on its own.
 */
export const BLOB_CHUNK_BYTES = 256 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
}

/** Views of the bytes, BLOB_CHUNK_BYTES each (an empty blob is one empty chunk). */
export function blobChunks(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) return [buf];
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length; at += BLOB_CHUNK_BYTES) chunks.push(buf.subarray(at, at + BLOB_CHUNK_BYTES));
  return chunks;
}

/**
 * One bigint key per distinct blob (the first 60 bits of its hash, as text
 * for pg), sorted: every transaction takes its locks in the same order.
 */
export function blobLockKeys(hashes: Iterable<string>): string[] {
  const keys = new Set<bigint>();
  for (const sha of hashes) {
    assertSha256(sha);
    keys.add(BigInt(`0x${sha.slice(0, 15)}`));
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}
