// Message and attachment bytes in PostgreSQL (blob_chunks), so every instance
// reads what any instance stored. Blobs are written by the delivery's own
// transaction (pg-delivery-sql.ts): they are exactly as durable as the rows
// that name them, and a failed delivery leaves nothing behind.
//
// Removal races with delivery: a release must not delete a blob that a
// delivery committing at the same moment names (deduplication makes that
// common: the same attachment, one mail to many). Deliveries hold a shared
// transaction-level advisory lock per blob until they commit; a release takes
// it exclusively, then checks for references in a statement that starts
// after any such delivery committed (READ COMMITTED), so it sees its rows.
import { Readable } from 'node:stream';
import type pg from 'pg';
import { ACTIVE_OUTBOUND } from '../records.js';
import { assertSha256, blobLockKeys } from './pg-blob-keys.js';

export const PG_BLOB_SQL = {
  all: 'SELECT data FROM blob_chunks WHERE sha256 = $1 ORDER BY seq',
  chunk: 'SELECT data FROM blob_chunks WHERE sha256 = $1 AND seq = $2',
  lockForRemoval: 'SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k',
  removeUnreferenced: `DELETE FROM blob_chunks b WHERE b.sha256 = ANY($1::text[])
    AND NOT EXISTS (SELECT 1 FROM mail_messages WHERE raw_sha256 = b.sha256)
    AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = b.sha256)
    AND NOT EXISTS (SELECT 1 FROM outbound_queue WHERE raw_sha256 = b.sha256 AND status = ANY($2::text[]))
    RETURNING b.sha256`,
} as const;

/** What a missing file gives on the SQLite engine, so callers need not know the engine. */
function missing(sha256: string): Error {
  return Object.assign(new Error(`no blob ${sha256}`), { code: 'ENOENT' });
}

export class PgBlobStore {
  constructor(private readonly pool: pg.Pool) {}

  async read(sha256: string): Promise<Buffer> {
    assertSha256(sha256);
    const { rows } = await this.pool.query<{ data: Buffer }>({ name: 'chitbox_blob_all', text: PG_BLOB_SQL.all, values: [sha256] });
    if (rows.length === 0) throw missing(sha256);
    return rows.length === 1 ? rows[0]!.data : Buffer.concat(rows.map((r) => r.data));
  }

  /** The bytes one chunk at a time: a big attachment never sits whole in memory. The first chunk is read before this resolves. */
  async open(sha256: string): Promise<Readable> {
    assertSha256(sha256);
    const chunk = (seq: number) =>
      this.pool.query<{ data: Buffer }>({ name: 'chitbox_blob_chunk', text: PG_BLOB_SQL.chunk, values: [sha256, seq] }).then((r) => r.rows[0]?.data ?? null);
    const first = await chunk(0);
    if (!first) throw missing(sha256);
    let pending: Buffer | null = first;
    let seq = 1;
    return new Readable({
      read() {
        if (pending) {
          this.push(pending);
          pending = null;
          return;
        }
        chunk(seq++).then(
          (data) => this.push(data),
          (err: Error) => this.destroy(err),
        );
      },
    });
  }

  /** Removes those of the blobs that no row references, once no delivery naming them is in flight. */
  async release(hashes: string[]): Promise<string[]> {
    const keys = blobLockKeys(hashes);
    if (keys.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(PG_BLOB_SQL.lockForRemoval, [keys]);
      const { rows } = await client.query<{ sha256: string }>(PG_BLOB_SQL.removeUnreferenced, [[...new Set(hashes)], [...ACTIVE_OUTBOUND]]);
      await client.query('COMMIT');
      return [...new Set(rows.map((r) => r.sha256))];
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
