// Reading and changing messages. Every query is scoped by owner: a row of
// another user is indistinguishable from a missing one.
import type { Prisma } from '@prisma/client';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { MessageChange, MessageStore, MovedMessage, SearchHitRecord, SearchSpec } from '../mail-store.js';
import type {
  AddressRecord,
  ExportRecord,
  AttachmentRecord,
  MessageBodiesRecord,
  MessageMetaRecord,
  MessageRecord,
  MessageSummaryRecord,
  Page,
  ThreadSummaryRecord,
} from '../records.js';
import { toThreadRecord } from '../thread-summary.js';
import { idChunks } from './id-chunks.js';
import { moveInto, nextModseq } from './imap-counters.js';
import type { PrismaDatabase, Tx } from './prisma-database.js';
import { refreshSummaries } from './summary-refresh.js';

/** A message's row without its bodies, as an engine's statement reads it, in JS types. */
export interface MessageMetaRow {
  id: number; userId: number; threadId: number; folderId: number;
  fromEmail: string; fromName: string; subject: string; snippet: string;
  isRead: boolean; isStarred: boolean; hasAttachments: boolean; sentAt: Date; createdAt: Date;
  messageId: string | null; inReplyTo: string | null;
  /** JSON text, as stored */
  references: string; toJson: string; ccJson: string;
  sizeBytes: number; rawSha256: string; receivedHeader: string;
}

/**
 * One message read by the engine's own statements (sqlite-queries.ts,
 * pg-queries.ts). Opening a message asks for it every time; through Prisma,
 * a big body crossed the driver adapter on every read, and each query was
 * compiled anew on the event loop. The bodies are read apart, once, by a
 * reader that keeps them.
 */
export interface MessageReads {
  /** the owner's message without its bodies, with its attachments by id */
  meta(userId: number, id: number): Promise<{ row: MessageMetaRow; attachments: AttachmentRecord[] } | null>;
  bodies(userId: number, id: number): Promise<MessageBodiesRecord | null>;
}

/** What an engine adds to the portable queries. */
export interface MessageRepoHooks {
  /** full-text search runs on the engine's own index (FTS5, tsvector): engine SQL */
  search: MessageStore['search'];
  reads: MessageReads;
  /** removes the blobs that nothing references any more */
  releaseBlobs(hashes: string[]): Promise<void>;
  /**
   * A change of flags alone (no folder), as the engine's own statements;
   * without it, the portable path below. Same contract as update().
   */
  changeFlags?(userId: number, ids: number[], flags: Omit<MessageChange, 'folderId'>): Promise<void>;
}

const SUMMARY_SELECT = {
  id: true, userId: true, threadId: true, folderId: true, fromEmail: true, fromName: true, subject: true,
  snippet: true, isRead: true, isStarred: true, hasAttachments: true, sentAt: true, createdAt: true,
} as const;

type FullRow = Prisma.MailMessageGetPayload<{ include: { attachments: true } }>;

export class MessageRepo implements MessageStore {
  constructor(
    private readonly db: PrismaDatabase,
    private readonly hooks: MessageRepoHooks,
  ) {}

  async listInFolder(userId: number, folderId: number, limit: number, cursor: string | null): Promise<Page<MessageSummaryRecord>> {
    const key = cursor ? decodeCursor(cursor) : null;
    const rows = await this.db.read.mailMessage.findMany({
      where: {
        userId,
        folderId,
        ...(key ? { createdAt: { lte: key.at }, OR: [{ createdAt: { lt: key.at } }, { id: { lt: key.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: SUMMARY_SELECT,
    });
    return page(rows, limit, (r) => ({ at: r.createdAt, id: r.id }));
  }

  async get(userId: number, id: number): Promise<MessageRecord | null> {
    const row = await this.db.read.mailMessage.findFirst({ where: { id, userId }, include: { attachments: true } });
    return row ? toMessage(row) : null;
  }

  async getMeta(userId: number, id: number): Promise<MessageMetaRecord | null> {
    const found = await this.hooks.reads.meta(userId, id);
    return found ? { ...toMeta(found.row), attachments: found.attachments } : null;
  }

  getBodies(userId: number, id: number): Promise<MessageBodiesRecord | null> {
    return this.hooks.reads.bodies(userId, id);
  }

  async getMany(userId: number, ids: readonly number[]): Promise<MessageRecord[]> {
    const out: MessageRecord[] = [];
    for (const chunk of idChunks(ids)) {
      const rows = await this.db.read.mailMessage.findMany({ where: { id: { in: chunk }, userId }, include: { attachments: true } });
      out.push(...rows.map(toMessage));
    }
    return out;
  }

  async listThread(userId: number, threadId: number): Promise<MessageRecord[]> {
    const rows = await this.db.read.mailMessage.findMany({
      where: { threadId, userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { attachments: true },
    });
    return rows.map(toMessage);
  }

  async getAttachment(userId: number, id: number): Promise<AttachmentRecord | null> {
    return this.db.read.attachment.findFirst({
      where: { id, userId },
      select: { id: true, messageId: true, filename: true, contentType: true, size: true, contentId: true, sha256: true },
    });
  }

  /**
   * A range of one index (folder, last message time, thread): the page costs
   * the same on the first page and the hundredth, whatever the folder holds.
   * The cursor's bound is `lte` plus a tie-break rather than an OR of two
   * ranges, which SQLite would answer by walking the index from the top.
   */
  async listThreadsInFolder(userId: number, folderId: number, limit: number, cursor: string | null): Promise<Page<ThreadSummaryRecord>> {
    const key = cursor ? decodeCursor(cursor) : null;
    const rows = await this.db.read.threadSummary.findMany({
      where: {
        folderId,
        userId,
        ...(key ? { lastMessageAt: { lte: key.at }, OR: [{ lastMessageAt: { lt: key.at } }, { threadId: { lt: key.id } }] } : {}),
      },
      orderBy: [{ lastMessageAt: 'desc' }, { threadId: 'desc' }],
      take: limit + 1,
    });
    return page(rows.map(toThreadRecord), limit, (t) => ({ at: t.lastMessageAt, id: t.id }));
  }

  search(userId: number, spec: SearchSpec, offset: number, limit: number): Promise<{ hits: SearchHitRecord[]; more: boolean }> {
    return this.hooks.search(userId, spec, offset, limit);
  }

  async listForExport(userId: number, folderId: number | null, afterId: number, limit: number): Promise<ExportRecord[]> {
    return this.db.read.mailMessage.findMany({
      where: { userId, id: { gt: afterId }, ...(folderId === null ? {} : { folderId }) },
      orderBy: { id: 'asc' },
      take: limit,
      select: {
        id: true, folderId: true, fromEmail: true, isRead: true, isStarred: true, createdAt: true, receivedHeader: true, rawSha256: true,
      },
    });
  }

  /**
   * The change (MODSEQs raised; moved messages get new UIDs), and the
   * summaries of every (thread, folder) it touches, in one transaction.
   */
  async update(userId: number, ids: number[], change: MessageChange): Promise<MovedMessage[]> {
    if (change.folderId === undefined && this.hooks.changeFlags) {
      await this.hooks.changeFlags(userId, ids, change);
      return [];
    }
    return this.db.write(async (tx) => {
      const rows: Array<{ id: number; folderId: number; uid: number; threadId: number }> = [];
      for (const chunk of idChunks(ids)) {
        rows.push(...(await tx.mailMessage.findMany({ where: { id: { in: chunk }, userId }, select: { id: true, folderId: true, uid: true, threadId: true } })));
      }
      if (rows.length === 0) return [];
      // A move keeps the messages' order: by old folder, then UID.
      rows.sort((a, b) => a.folderId - b.folderId || a.uid - b.uid);
      const { folderId: target, ...flags } = change;
      const moving = target === undefined ? [] : rows.filter((r) => r.folderId !== target);
      const staying = rows.filter((r) => !moving.includes(r));
      if (Object.keys(flags).length > 0) await changeFlagsInPlace(tx, staying, flags);
      const moved = target === undefined ? [] : await moveInto(tx, userId, target, moving.map((r) => r.id), flags);
      await refreshSummaries(tx, [...rows, ...moving.map((r) => ({ threadId: r.threadId, folderId: target! }))]);
      return moved;
    });
  }

  /** Deletes rows for good, then the blobs they named that nothing else needs. */
  async deleteForGood(userId: number, ids: number[]): Promise<void> {
    const named = await this.db.write(async (tx) => {
      const rows = [];
      for (const chunk of idChunks(ids)) {
        rows.push(...(await tx.mailMessage.findMany({
          where: { id: { in: chunk }, userId },
          select: { id: true, threadId: true, folderId: true, rawSha256: true, sizeBytes: true, attachments: { select: { sha256: true } } },
        })));
      }
      if (rows.length === 0) return [];
      const freed = rows.reduce((sum, r) => sum + r.sizeBytes, 0);
      await tx.user.update({ where: { id: userId }, data: { usedBytes: { decrement: freed } } });
      for (const chunk of idChunks(rows.map((r) => r.id))) await tx.mailMessage.deleteMany({ where: { id: { in: chunk }, userId } });
      await refreshSummaries(tx, rows);
      const threadIds = [...new Set(rows.map((r) => r.threadId))];
      await tx.mailThread.deleteMany({ where: { id: { in: threadIds }, userId, messages: { none: {} } } });
      return [...new Set(rows.flatMap((r) => [r.rawSha256, ...r.attachments.map((a) => a.sha256)]))];
    });
    if (named.length > 0) await this.hooks.releaseBlobs(named);
  }
}

/** Flags of messages that stay where they are: one new MODSEQ per folder touched. */
async function changeFlagsInPlace(tx: Tx, rows: Array<{ id: number; folderId: number }>, flags: Omit<MessageChange, 'folderId'>): Promise<void> {
  for (const folderId of new Set(rows.map((r) => r.folderId))) {
    const modseq = await nextModseq(tx, folderId);
    const ids = rows.filter((r) => r.folderId === folderId).map((r) => r.id);
    for (const chunk of idChunks(ids)) await tx.mailMessage.updateMany({ where: { id: { in: chunk } }, data: { ...flags, modseq } });
  }
}

function page<T>(rows: T[], limit: number, keyOf: (row: T) => { at: Date; id: number }): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

function toMessage(row: FullRow): MessageRecord {
  return {
    ...toMeta(row),
    bodyText: row.bodyText, untrustedHtml: row.untrustedHtml,
    attachments: row.attachments.map((a) => ({
      id: a.id, messageId: a.messageId, filename: a.filename, contentType: a.contentType,
      size: a.size, contentId: a.contentId, sha256: a.sha256,
    })),
  };
}

function toMeta(row: MessageMetaRow): Omit<MessageMetaRecord, 'attachments'> {
  return {
    id: row.id, userId: row.userId, threadId: row.threadId, folderId: row.folderId,
    fromEmail: row.fromEmail, fromName: row.fromName, subject: row.subject, snippet: row.snippet,
    isRead: row.isRead, isStarred: row.isStarred, hasAttachments: row.hasAttachments,
    sentAt: row.sentAt, createdAt: row.createdAt,
    messageId: row.messageId, inReplyTo: row.inReplyTo,
    references: parseJson<string[]>(row.references, []),
    to: parseJson<AddressRecord[]>(row.toJson, []),
    cc: parseJson<AddressRecord[]>(row.ccJson, []),
    sizeBytes: row.sizeBytes, rawSha256: row.rawSha256, receivedHeader: row.receivedHeader,
  };
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
