// Full-text search on PostgreSQL: the search itself (pg-search-sql.ts), run
// with a deadline of its own (a common word over a big mailbox must not hold
// a connection for the pool's statement timeout), and the index outside
// deliveries: the backfill of mail stored before the index existed.
// Deliveries index their own messages (pg-delivery-sql.ts).
import type pg from 'pg';
import { tsvectorLiteral } from './pg-tsvector.js';
import {
  SEARCH_BODY_HEAD_CHARS, SearchTimedOut,
  type SearchHitRecord, type SearchIndexStore, type SearchSpec, type SearchText, type UnindexedMessage,
} from '../mail-store.js';
import type { AddressRecord } from '../records.js';
import { PG_SEARCH_SQL, pgSearchIdsQuery } from './pg-search-sql.js';
import { textValue } from './pg-text.js';

/** PostgreSQL's query_canceled: here, the search's statement_timeout. */
const QUERY_CANCELED = '57014';

interface HitRow {
  id: number; userId: number; threadId: number; folderId: number; fromEmail: string; fromName: string;
  subject: string; snippet: string; isRead: boolean; isStarred: boolean; hasAttachments: boolean;
  sentAt: Date; createdAt: Date; toJson: string; ccJson: string; bodyHead: string | null; attachmentNames: string[];
}

export class PgSearch {
  constructor(
    private readonly pool: pg.Pool,
    private readonly timeoutMs: number,
  ) {}

  async search(userId: number, spec: SearchSpec, offset: number, limit: number): Promise<{ hits: SearchHitRecord[]; more: boolean }> {
    const client = await this.pool.connect();
    try {
      // One round trip for the three. SET LOCAL takes no parameters; the
      // number is ours, not the user's. The search's plan is costed on the
      // full GIN path it may skip, often past jit_above_cost; compiling it
      // would take longer than running it.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.timeoutMs))}; SET LOCAL jit = off`);
      const query = pgSearchIdsQuery(userId, spec, offset, limit + 1);
      const ids = (await client.query<{ id: number }>(query.text, query.values)).rows.map((r) => r.id);
      const more = ids.length > limit;
      if (more) ids.length = limit;
      const rows = ids.length === 0 ? [] : (await client.query<HitRow>(PG_SEARCH_SQL.hits, [userId, ids, SEARCH_BODY_HEAD_CHARS])).rows;
      await client.query('COMMIT');
      const byId = new Map(rows.map((r) => [r.id, r]));
      return { hits: ids.flatMap((id) => (byId.has(id) ? [toHit(byId.get(id)!)] : [])), more };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string }).code === QUERY_CANCELED) throw new SearchTimedOut(`the search ran past ${this.timeoutMs} ms`);
      throw err;
    } finally {
      client.release();
    }
  }
}

function toHit(r: HitRow): SearchHitRecord {
  return {
    id: r.id, userId: r.userId, threadId: r.threadId, folderId: r.folderId, fromEmail: r.fromEmail, fromName: r.fromName,
    subject: r.subject, snippet: r.snippet, isRead: r.isRead, isStarred: r.isStarred, hasAttachments: r.hasAttachments,
    sentAt: r.sentAt, createdAt: r.createdAt, to: json<AddressRecord[]>(r.toJson, []), cc: json<AddressRecord[]>(r.ccJson, []),
    bodyHead: r.bodyHead ?? '', attachmentNames: r.attachmentNames,
  };
}

/** A message's index row, as its delivery writes it. */
export function pgSearchRow(text: SearchText): string {
  return textValue(tsvectorLiteral(text)) as string;
}

interface PendingRow {
  id: number; subject: string; fromName: string; fromEmail: string; toJson: string; ccJson: string; bodyText: string; attachmentNames: string[];
}

export class PgSearchIndex implements SearchIndexStore {
  constructor(private readonly pool: pg.Pool) {}

  async pending(limit: number): Promise<UnindexedMessage[]> {
    const { rows } = await this.pool.query<PendingRow>(PG_SEARCH_SQL.pending, [limit]);
    return rows.map(unindexedMessage);
  }

  async messages(ids: readonly number[]): Promise<UnindexedMessage[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<PendingRow>(PG_SEARCH_SQL.messages, [ids]);
    return rows.map(unindexedMessage);
  }

  async add(entries: ReadonlyArray<{ id: number; text: SearchText }>): Promise<void> {
    if (entries.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const { id, text } of entries) await client.query(PG_SEARCH_SQL.backfill, [id, pgSearchRow(text)]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

function unindexedMessage(r: PendingRow): UnindexedMessage {
  return {
    id: r.id, subject: r.subject, fromName: r.fromName, fromEmail: r.fromEmail,
    to: json<AddressRecord[]>(r.toJson, []), cc: json<AddressRecord[]>(r.ccJson, []),
    bodyText: r.bodyText, attachmentNames: r.attachmentNames,
  };
}

function json<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
