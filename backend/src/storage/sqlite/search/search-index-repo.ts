// The search index outside deliveries, for the core's backfill: the mail
// stored before the index existed (the search migration leaves search_backfill
// naming where that mail ends), and first the leftovers of new mail whose
// entries died with an earlier process before their batch
// (ingest-worker/search-index-queue.ts). A trigger takes a deleted message
// out (the migration again).
import type { PrismaDatabase } from '../../prisma/prisma-database.js';
import type { SearchIndexStore, SearchText, UnindexedMessage } from '../../mail-store.js';
import type { AddressRecord } from '../../records.js';

/** What of a stored message (m) its index entry is made from. */
const UNINDEXED_COLUMNS = `m.id AS id, m.subject AS subject, m.from_name AS fromName, m.from_email AS fromEmail,
      m.to_json AS toJson, m.cc_json AS ccJson, m.body_text AS bodyText,
      (SELECT json_group_array(a.filename) FROM attachments a WHERE a.message_id = m.id) AS attachmentNames`;

export const SEARCH_INDEX_SQL = {
  leftovers: `SELECT ${UNINDEXED_COLUMNS}
    FROM search_pending p JOIN mail_messages m ON m.id = p.message_id WHERE p.leftover = 1
    ORDER BY p.message_id DESC LIMIT ?`,
  pending: `SELECT ${UNINDEXED_COLUMNS}
    FROM mail_messages m WHERE m.id < (SELECT next_below FROM search_backfill WHERE id = 1)
    ORDER BY m.id DESC LIMIT ?`,
  messages: `SELECT ${UNINDEXED_COLUMNS}
    FROM mail_messages m WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id`,
  // An IMAP COPY names its copies in its own transaction: one the process loses before indexing them is a leftover.
  copied: `INSERT OR IGNORE INTO search_pending (message_id, leftover) SELECT value, 1 FROM json_each(?)`,
  // A message deleted since it was read is not indexed (the trigger already ran for it).
  add: `INSERT INTO message_search (rowid, subject, sender, recipients, body, attachments)
    SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM mail_messages WHERE id = ?)`,
  // Leftovers are newer than every message of the range below next_below: advance leaves it be for them.
  indexedLeftover: `DELETE FROM search_pending WHERE message_id = ? AND leftover = 1`,
  advance: `UPDATE search_backfill SET next_below = ? WHERE id = 1 AND next_below > ?`,
  finish: `DELETE FROM search_backfill WHERE id = 1
    AND NOT EXISTS (SELECT 1 FROM mail_messages WHERE id < search_backfill.next_below)`,
} as const;

interface UnindexedRow {
  id: number | bigint;
  subject: string;
  fromName: string;
  fromEmail: string;
  toJson: string;
  ccJson: string;
  bodyText: string;
  attachmentNames: string;
}

export class SqliteSearchIndex implements SearchIndexStore {
  constructor(private readonly db: PrismaDatabase) {}

  async pending(limit: number): Promise<UnindexedMessage[]> {
    const leftovers = await this.db.read.$queryRawUnsafe<UnindexedRow[]>(SEARCH_INDEX_SQL.leftovers, limit);
    const rows = leftovers.length > 0 ? leftovers : await this.db.read.$queryRawUnsafe<UnindexedRow[]>(SEARCH_INDEX_SQL.pending, limit);
    return rows.map(unindexedMessage);
  }

  async messages(ids: readonly number[]): Promise<UnindexedMessage[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.read.$queryRawUnsafe<UnindexedRow[]>(SEARCH_INDEX_SQL.messages, JSON.stringify(ids));
    return rows.map(unindexedMessage);
  }

  async add(entries: ReadonlyArray<{ id: number; text: SearchText }>): Promise<void> {
    if (entries.length === 0) return;
    const lowest = Math.min(...entries.map((e) => e.id));
    await this.db.write(async (tx) => {
      for (const { id, text: t } of entries) {
        await tx.$executeRawUnsafe(SEARCH_INDEX_SQL.add, id, t.subject, t.sender, t.recipients, t.body, t.attachments, id);
        await tx.$executeRawUnsafe(SEARCH_INDEX_SQL.indexedLeftover, id);
      }
      await tx.$executeRawUnsafe(SEARCH_INDEX_SQL.advance, lowest, lowest);
      await tx.$executeRawUnsafe(SEARCH_INDEX_SQL.finish);
    });
  }
}

function unindexedMessage(r: UnindexedRow): UnindexedMessage {
  return {
    id: Number(r.id), subject: r.subject, fromName: r.fromName, fromEmail: r.fromEmail,
    to: json<AddressRecord[]>(r.toJson, []), cc: json<AddressRecord[]>(r.ccJson, []),
    bodyText: r.bodyText, attachmentNames: json<string[]>(r.attachmentNames, []),
  };
}

function json<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
