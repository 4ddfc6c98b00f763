// Reading and changing messages. Every query is scoped by owner: a row of
// another user is indistinguishable from a missing one.
import type { Prisma } from '@prisma/client';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { MessageChange, MessageStore, MovedMessage } from '../mail-store.js';
import type {
  AddressRecord,
  AttachmentRecord,
  MessageRecord,
  MessageSummaryRecord,
  Page,
  ThreadSummaryRecord,
} from '../records.js';
import { idChunks } from './id-chunks.js';
import { moveInto, nextModseq } from './imap-counters.js';
import type { PrismaDatabase, Tx } from './prisma-database.js';

/** What an engine adds to the portable queries. */
export interface MessageRepoHooks {
  /**
   * Ids of the user's messages in which every word appears in the subject,
   * the sender or the body, as text (ASCII case-insensitive), newest first.
   * Engine SQL: Prisma's `contains` hands a word to LIKE as it is, so "100%"
   * would match "1000".
   */
  matchingIds(userId: number, words: string[], limit: number): Promise<number[]>;
  /** removes the blobs that nothing references any more */
  releaseBlobs(hashes: string[]): Promise<void>;
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
        ...(key ? { OR: [{ createdAt: { lt: key.at } }, { createdAt: key.at, id: { lt: key.id } }] } : {}),
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

  async listThreadsInFolder(userId: number, folderId: number, limit: number, cursor: string | null): Promise<Page<ThreadSummaryRecord>> {
    const key = cursor ? decodeCursor(cursor) : null;
    const groups = await this.db.read.mailMessage.groupBy({
      by: ['threadId'],
      where: { userId, folderId },
      _max: { createdAt: true },
      _count: { _all: true },
      ...(key ? { having: { createdAt: { _max: { lte: key.at } } } } : {}),
      orderBy: [{ _max: { createdAt: 'desc' } }, { threadId: 'desc' }],
      take: limit + 1 + (key ? 50 : 0),
    });
    // Keyset on (lastMessageAt, threadId): drop the ones at or before the cursor.
    const after = key
      ? groups.filter((g) => g._max.createdAt! < key.at || (g._max.createdAt!.getTime() === key.at.getTime() && g.threadId < key.id))
      : groups;
    const window = after.slice(0, limit + 1);
    const ids = window.map((g) => g.threadId);
    const messages = await this.db.read.mailMessage.findMany({
      where: { userId, folderId, threadId: { in: ids } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { ...SUMMARY_SELECT, toJson: true },
    });
    const threads = await this.db.read.mailThread.findMany({ where: { id: { in: ids }, userId }, select: { id: true, subject: true } });
    const subjects = new Map(threads.map((t) => [t.id, t.subject]));
    const summaries = window.map((g) =>
      summarizeThread(g.threadId, subjects.get(g.threadId) ?? '', messages.filter((m) => m.threadId === g.threadId)),
    );
    return page(summaries, limit, (t) => ({ at: t.lastMessageAt, id: t.id }));
  }

  async search(userId: number, words: string[], limit: number): Promise<MessageSummaryRecord[]> {
    const ids = await this.hooks.matchingIds(userId, words, limit);
    if (ids.length === 0) return [];
    const rows = await this.db.read.mailMessage.findMany({ where: { userId, id: { in: ids } }, select: SUMMARY_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async update(userId: number, ids: number[], change: MessageChange): Promise<MovedMessage[]> {
    return this.db.write(async (tx) => {
      const rows: Array<{ id: number; folderId: number; uid: number }> = [];
      for (const chunk of idChunks(ids)) {
        rows.push(...(await tx.mailMessage.findMany({ where: { id: { in: chunk }, userId }, select: { id: true, folderId: true, uid: true } })));
      }
      // A move keeps the messages' order: by old folder, then UID.
      rows.sort((a, b) => a.folderId - b.folderId || a.uid - b.uid);
      const { folderId: target, ...flags } = change;
      const moving = target === undefined ? [] : rows.filter((r) => r.folderId !== target);
      const staying = rows.filter((r) => !moving.includes(r));
      if (Object.keys(flags).length > 0) await changeFlagsInPlace(tx, staying, flags);
      return target === undefined ? [] : moveInto(tx, userId, target, moving.map((r) => r.id), flags);
    });
  }

  /** Deletes rows for good, then the blobs they named that nothing else needs. */
  async deleteForGood(userId: number, ids: number[]): Promise<void> {
    const named = await this.db.write(async (tx) => {
      const rows = [];
      for (const chunk of idChunks(ids)) {
        rows.push(...(await tx.mailMessage.findMany({
          where: { id: { in: chunk }, userId },
          select: { id: true, threadId: true, rawSha256: true, sizeBytes: true, attachments: { select: { sha256: true } } },
        })));
      }
      if (rows.length === 0) return [];
      const freed = rows.reduce((sum, r) => sum + r.sizeBytes, 0);
      await tx.user.update({ where: { id: userId }, data: { usedBytes: { decrement: freed } } });
      for (const chunk of idChunks(rows.map((r) => r.id))) await tx.mailMessage.deleteMany({ where: { id: { in: chunk }, userId } });
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

function summarizeThread(
  id: number,
  subject: string,
  messages: Array<MessageSummaryRecord & { toJson: string }>,
): ThreadSummaryRecord {
  const last = messages[messages.length - 1]!;
  const participants = new Map<string, AddressRecord>();
  const recipients = new Map<string, AddressRecord>();
  for (const m of messages) {
    const key = m.fromEmail.toLowerCase();
    if (!participants.has(key)) participants.set(key, { address: m.fromEmail, name: m.fromName });
    for (const to of parseJson<AddressRecord[]>(m.toJson, [])) {
      if (!recipients.has(to.address.toLowerCase())) recipients.set(to.address.toLowerCase(), { address: to.address, name: to.name });
    }
  }
  return {
    id,
    subject: subject || last.subject,
    messageCount: messages.length,
    unreadCount: messages.filter((m) => !m.isRead).length,
    lastMessageAt: last.createdAt,
    snippet: last.snippet,
    participants: [...participants.values()],
    recipients: [...recipients.values()],
    hasAttachments: messages.some((m) => m.hasAttachments),
    isStarred: messages.some((m) => m.isStarred),
  };
}

function toMessage(row: FullRow): MessageRecord {
  return {
    id: row.id, userId: row.userId, threadId: row.threadId, folderId: row.folderId,
    fromEmail: row.fromEmail, fromName: row.fromName, subject: row.subject, snippet: row.snippet,
    isRead: row.isRead, isStarred: row.isStarred, hasAttachments: row.hasAttachments,
    sentAt: row.sentAt, createdAt: row.createdAt,
    messageId: row.messageId, inReplyTo: row.inReplyTo,
    references: parseJson<string[]>(row.references, []),
    to: parseJson<AddressRecord[]>(row.toJson, []),
    cc: parseJson<AddressRecord[]>(row.ccJson, []),
    bodyText: row.bodyText, untrustedHtml: row.untrustedHtml, sizeBytes: row.sizeBytes,
    rawSha256: row.rawSha256, receivedHeader: row.receivedHeader,
    attachments: row.attachments.map((a) => ({
      id: a.id, messageId: a.messageId, filename: a.filename, contentType: a.contentType,
      size: a.size, contentId: a.contentId, sha256: a.sha256,
    })),
  };
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
