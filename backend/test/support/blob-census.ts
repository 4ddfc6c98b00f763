// What a data directory's blob store holds, read straight from disk: blob
// files under blobs/ and rows of small_blobs (blob-store.ts says which is which).
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';

const SHA256_NAME = /^[0-9a-f]{64}$/;

/** The sha256 of every stored blob, files and rows, sorted. */
export async function storedBlobs(dataDir: string): Promise<{ files: string[]; rows: string[] }> {
  const entries = await fs.readdir(path.join(dataDir, 'blobs'), { recursive: true, withFileTypes: true });
  // Temp files (blobs/tmp/..) carry a suffix after the hash, so they do not count.
  const files = entries.filter((e) => e.isFile() && SHA256_NAME.test(e.name)).map((e) => e.name).sort();
  const db = new Database(path.join(dataDir, 'chitbox.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = (db.prepare('SELECT sha256 FROM small_blobs ORDER BY sha256').all() as Array<{ sha256: string }>).map((r) => r.sha256);
    return { files, rows };
  } finally {
    db.close();
  }
}

/** Where a blob is stored: 'file', 'row', or null when it is not. */
export async function blobLocation(dataDir: string, sha256: string): Promise<'file' | 'row' | null> {
  const { files, rows } = await storedBlobs(dataDir);
  if (files.includes(sha256)) return 'file';
  return rows.includes(sha256) ? 'row' : null;
}
