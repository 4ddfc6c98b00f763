// What a data directory's blob store holds, read straight from disk: every
// file under blobs/ (temp files included) and the rows of small_blobs
// (blob-store.ts says which blob is which).
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Files as paths relative to blobs/, and small blobs' sha256, both sorted. */
export async function storedBlobs(dataDir: string): Promise<{ files: string[]; rows: string[] }> {
  const root = path.join(dataDir, 'blobs');
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
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
  // A blob's file is named by its hash; a temp file carries a suffix.
  if (files.some((f) => path.basename(f) === sha256)) return 'file';
  return rows.includes(sha256) ? 'row' : null;
}
