// What a data directory's blob store holds, read straight from where it is:
// on SQLite every file under blobs/ (temp files included) and the rows of
// small_blobs (tiered-blobs.ts says which blob is which); on PostgreSQL
// (CHITBOX_TEST_DATABASE=postgresql) no files, and every blob a row of
// blob_chunks, so a blob is in a 'row' whatever its size.
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dbRows } from './db-peek.js';
import { onPostgres } from './pg-test-db.js';

/** Files as paths relative to blobs/, and the sha256 of blobs kept as rows, both sorted. */
export async function storedBlobs(dataDir: string): Promise<{ files: string[]; rows: string[] }> {
  if (onPostgres) {
    const rows = await dbRows<{ sha256: string }>(dataDir, 'SELECT DISTINCT sha256 FROM blob_chunks ORDER BY sha256');
    return { files: [], rows: rows.map((r) => r.sha256) };
  }
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
