// Reading and changing messages. Every query is scoped by owner: a row of
// another user is indistinguishable from a missing one.
import type { Prisma } from '@prisma/client';
import type BetterSqlite3 from 'better-sqlite3';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Database } from './database.js';
import type {
  AddressRecord,
  AttachmentRecord,
  MessageRecord,
  MessageSummaryRecord,
  Page,
  ThreadSummaryRecord,
} from './records.js';

const SUMMARY_SELECT = {
  id: true, userId: true, threadId: true, folderId: true, fromEmail: true, fromName: true, subject: true,
  snippet: true, isRead: true, isStarred: true, hasAttachments: true, sentAt: true, createdAt: true,
} as const;

type FullRow = Prisma.MailMessageGetPayload<{ include: { attachments: true } }>;

export class MessageRepo {
  /** search's prepared statements, one per number of words (the route allows up to 8) */
  private readonly searchStatements = new Map<number, BetterSqlite3.Statement<unknown[], unknown>>();

  constructor(private readonly db: Database) {}

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

  async listThread(userId: number, threadId: number): Promise<MessageRecord[]> {
    const rows = await this.db.read.mailMessage.findMany({
      where: { threadId, userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { attachments: true },
    });
    return rows.map(toMessage);
  }

  async threadIdsOf(userId: number, threadId: number): Promise<MessageSummaryRecord[]> {
    return this.db.read.mailMessage.findMany({ where: { threadId, userId }, select: SUMMARY_SELECT });
  }

  async getAttachment(userId: number, id: number): Promise<AttachmentRecord | null> {
    return this.db.read.attachment.findFirst({
      where: { id, userId },
      select: { id: true, messageId: true, filename: true, contentType: true, size: true, contentId: true, sha256: true },
    });
  }

  async attachmentsOf(messageIds: number[]): Promise<AttachmentRecord[]> {
    return this.db.read.attachment.findMany({
      where: { messageId: { in: messageIds } },
      orderBy: { id: 'asc' },
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

  /**
   * Messages in which every word appears in the subject, the sender or the
   * body (ASCII case-insensitive), newest first. Plain SQL: Prisma's
   * `contains` hands a word to LIKE as it is, so "100%" matched "1000".
   */
  async search(userId: number, words: string[], limit: number): Promise<MessageSummaryRecord[]> {
    const patterns = words.flatMap((w) => Array<string>(4).fill(likePattern(w)));
    const ids = (this.searchStatement(words.length).all(userId, ...patterns, limit) as Array<{ id: number }>).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await this.db.read.mailMessage.findMany({ where: { userId, id: { in: ids } }, select: SUMMARY_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  private searchStatement(wordCount: number): BetterSqlite3.Statement<unknown[], unknown> {
    let st = this.searchStatements.get(wordCount);
    if (!st) {
      const field = (column: string) => `${column} LIKE ? ESCAPE '\\'`;
      const word = `(${['subject', 'from_email', 'from_name', 'body_text'].map(field).join(' OR ')})`;
      st = this.db.sqliteReader
        .prepare<unknown[], unknown>(
          `SELECT id FROM mail_messages WHERE user_id = ? ${Array(wordCount).fill(`AND ${word}`).join(' ')}
           ORDER BY created_at DESC, id DESC LIMIT ?`,
        )
        .safeIntegers(false);
      this.searchStatements.set(wordCount, st);
    }
    return st;
  }

  async update(userId: number, ids: number[], data: { isRead?: boolean; isStarred?: boolean; folderId?: number }): Promise<void> {
    await this.db.write((tx) => tx.mailMessage.updateMany({ where: { id: { in: ids }, userId }, data }));
  }

  /**
   * Deletes rows for good; returns the blob hashes they named. Whether another
   * row still needs a blob is decided where blobs are removed (BlobStore).
   */
  async deleteForGood(userId: number, ids: number[]): Promise<string[]> {
    return this.db.write(async (tx) => {
      const rows = await tx.mailMessage.findMany({
        where: { id: { in: ids }, userId },
        select: { id: true, threadId: true, rawSha256: true, sizeBytes: true, attachments: { select: { sha256: true } } },
      });
      if (rows.length === 0) return [];
      const freed = rows.reduce((sum, r) => sum + r.sizeBytes, 0);
      await tx.user.update({ where: { id: userId }, data: { usedBytes: { decrement: freed } } });
      await tx.mailMessage.deleteMany({ where: { id: { in: rows.map((r) => r.id) }, userId } });
      const threadIds = [...new Set(rows.map((r) => r.threadId))];
      await tx.mailThread.deleteMany({ where: { id: { in: threadIds }, userId, messages: { none: {} } } });
      return [...new Set(rows.flatMap((r) => [r.rawSha256, ...r.attachments.map((a) => a.sha256)]))];
    });
  }
}

function page<T>(rows: T[], limit: number, keyOf: (row: T) => { at: Date; id: number }): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

/** A LIKE pattern that finds `word` as text: its own %, _ and \\ are escaped. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
