// Runs in a worker thread: searches on a read-only connection of its own, so
// a query that takes long (a common word over a big mailbox) never holds up
// the thread serving SMTP, HTTP and sockets; at its deadline the main thread
// ends this thread and starts another (search-runner.ts).
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveRequests, workerOptions } from '../../../shared/worker-rpc.js';
import { SEARCH_BODY_HEAD_CHARS, type SearchHitRecord } from '../../mail-store.js';
import type { AddressRecord } from '../../records.js';
import { SEARCH_HITS_SQL, searchIdsQuery } from './search-sql.js';
import type { SearchRequest, SearchThreadOptions } from './search-protocol.js';

const options = workerOptions<SearchThreadOptions>();
const db = new Database(options.filePath, { readonly: true, timeout: options.busyTimeoutMs });
type Statement = Database.Statement<unknown[], unknown>;
const hitsStatement = db.prepare<unknown[], unknown>(SEARCH_HITS_SQL);
/** Queries differ only in which filters are present: a few dozen shapes at most. */
const statements = new Map<string, Statement>();

function prepared(sql: string): Statement {
  let st = statements.get(sql);
  if (!st) {
    if (statements.size > 200) statements.clear();
    st = db.prepare<unknown[], unknown>(sql);
    statements.set(sql, st);
  }
  return st;
}

interface HitRow {
  id: number; userId: number; threadId: number; folderId: number; fromEmail: string; fromName: string;
  subject: string; snippet: string; isRead: number; isStarred: number; hasAttachments: number;
  sentAt: string; createdAt: string; toJson: string; ccJson: string; bodyHead: string; attachmentNames: string;
}

function search({ userId, spec, offset, limit }: SearchRequest): { hits: SearchHitRecord[]; more: boolean } {
  const query = searchIdsQuery(userId, spec, offset, limit + 1);
  const ids = (prepared(query.sql).all(query.params) as Array<{ id: number }>).map((r) => r.id);
  const more = ids.length > limit;
  if (more) ids.length = limit;
  if (ids.length === 0) return { hits: [], more };
  const rows = hitsStatement.all({ user: userId, ids: JSON.stringify(ids), headChars: SEARCH_BODY_HEAD_CHARS }) as HitRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { hits: ids.flatMap((id) => (byId.has(id) ? [toHit(byId.get(id)!)] : [])), more };
}

function toHit(r: HitRow): SearchHitRecord {
  return {
    id: r.id, userId: r.userId, threadId: r.threadId, folderId: r.folderId, fromEmail: r.fromEmail, fromName: r.fromName,
    subject: r.subject, snippet: r.snippet, isRead: r.isRead === 1, isStarred: r.isStarred === 1,
    hasAttachments: r.hasAttachments === 1, sentAt: new Date(r.sentAt), createdAt: new Date(r.createdAt),
    to: json<AddressRecord[]>(r.toJson, []), cc: json<AddressRecord[]>(r.ccJson, []),
    bodyHead: r.bodyHead ?? '', attachmentNames: json<string[]>(r.attachmentNames, []),
  };
}

function json<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

serveRequests(parentPort!, (message) => message as SearchRequest, search, { onClose: () => db.close() });
