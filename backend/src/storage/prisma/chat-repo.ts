// The chat's queries (ChatStore): Prisma's query API plus two joins in SQL
// that SQLite and PostgreSQL both run, so every engine can use this as it is.
// Every query is scoped by the asking user.
import type { ChatStore } from '../mail-store.js';
import type {
  AddressRecord, ChatSettingsRecord, CorrespondenceRecord, DeliveryStatusRecord, DeliveryStatusValue, SharedCopyRecord,
} from '../records.js';
import { isUniqueViolation, type PrismaDatabase } from './prisma-database.js';

export const NO_CHAT_SETTINGS: ChatSettingsRecord = Object.freeze({ requestReadReceipts: false, sendReadReceipts: false });

/** The statuses a status may move on from; it never goes back (delivered and relayed are set once). */
const MOVES_FROM: Record<DeliveryStatusValue, DeliveryStatusValue[]> = {
  queued: [],
  delivered: [],
  relayed: ['queued'],
  failed: ['queued'],
  read: ['queued', 'delivered', 'relayed'],
};

/** What an engine may do its own way. */
export interface ChatRepoHooks {
  /** first statuses written its own way (SQLite: on its ingest worker) */
  addStatuses: ChatStore['addStatuses'];
  /**
   * The user's statuses of these messages, oldest first, by the engine's own
   * statement: opening a message or a thread asks for them every time.
   */
  statusRows(userId: number, messageIds: readonly number[]): Promise<DeliveryStatusRecord[]>;
}

export class ChatRepo implements ChatStore {
  readonly addStatuses: ChatStore['addStatuses'];
  private readonly statusRows: (userId: number, messageIds: readonly number[]) => Promise<DeliveryStatusRecord[]>;

  /** `hooks`: the engine's own ways; what it leaves out is the portable Prisma query. */
  constructor(
    private readonly db: PrismaDatabase,
    hooks: Partial<ChatRepoHooks> = {},
  ) {
    this.addStatuses = hooks.addStatuses ?? ((rows) => addStatusesWithPrisma(db, rows));
    this.statusRows = hooks.statusRows ?? (async (userId, messageIds) => {
      const rows = await db.read.deliveryStatus.findMany({
        where: { userId, messageId: { in: [...messageIds] } },
        orderBy: { id: 'asc' },
        include: { message: { select: { threadId: true } } },
      });
      return rows.map(toStatus);
    });
  }

  /** Copies in other mailboxes of the messages of one of the user's threads. */
  async copiesOfThread(userId: number, threadId: number): Promise<SharedCopyRecord[]> {
    const rows = await this.db.read.$queryRaw<RawCopy[]>`
      SELECT b.user_id AS "userId", u.email AS "email", b.thread_id AS "threadId",
             a.from_email AS "fromEmail", a.to_json AS "toJson", a.cc_json AS "ccJson"
      FROM mail_messages a
      JOIN mail_messages b ON b.message_id = a.message_id AND b.user_id <> a.user_id
      JOIN users u ON u.id = b.user_id
      WHERE a.user_id = ${userId} AND a.thread_id = ${threadId} AND a.message_id IS NOT NULL`;
    return rows.map(toCopy);
  }

  /** Copies in other mailboxes of any of the user's messages (the people one shares conversations with). */
  async copiesOfMailbox(userId: number): Promise<SharedCopyRecord[]> {
    const rows = await this.db.read.$queryRaw<RawCopy[]>`
      SELECT DISTINCT b.user_id AS "userId", u.email AS "email", 0 AS "threadId",
             a.from_email AS "fromEmail", a.to_json AS "toJson", a.cc_json AS "ccJson"
      FROM mail_messages a
      JOIN mail_messages b ON b.message_id = a.message_id AND b.user_id <> a.user_id
      JOIN users u ON u.id = b.user_id
      WHERE a.user_id = ${userId} AND a.message_id IS NOT NULL`;
    return rows.map(toCopy);
  }

  /**
   * Moves the named recipients of the user's sent messages on to `status`,
   * where the rules allow; returns the rows that moved (so each move is told once).
   */
  async advance(
    where: { userId: number; recipients: string[]; rfcMessageId?: string; rawSha256?: string },
    status: DeliveryStatusValue,
    at: Date,
    reason: string | null = null,
  ): Promise<DeliveryStatusRecord[]> {
    const recipients = where.recipients.map((r) => r.toLowerCase());
    if (recipients.length === 0) return [];
    const filter = {
      userId: where.userId,
      recipient: { in: recipients },
      status: { in: MOVES_FROM[status] },
      ...(where.rfcMessageId !== undefined || where.rawSha256 !== undefined
        ? { message: { ...(where.rfcMessageId !== undefined ? { messageId: where.rfcMessageId } : {}), ...(where.rawSha256 !== undefined ? { rawSha256: where.rawSha256 } : {}) } }
        : {}),
    };
    return this.db.write(async (tx) => {
      const candidates = await tx.deliveryStatus.findMany({ where: filter, select: { id: true } });
      const moved: DeliveryStatusRecord[] = [];
      for (const c of candidates) {
        // Conditional on the old status, so two movers (two tabs, a receipt by mail and a click) move it once.
        const n = await tx.deliveryStatus.updateMany({ where: { id: c.id, status: { in: MOVES_FROM[status] } }, data: { status, at, reason } });
        if (n.count === 0) continue;
        const row = await tx.deliveryStatus.findUniqueOrThrow({ where: { id: c.id }, include: { message: { select: { threadId: true } } } });
        moved.push(toStatus(row));
      }
      return moved;
    });
  }

  async statusesOf(userId: number, messageIds: readonly number[]): Promise<Map<number, DeliveryStatusRecord[]>> {
    const out = new Map<number, DeliveryStatusRecord[]>();
    if (messageIds.length === 0) return out;
    for (const status of await this.statusRows(userId, messageIds)) {
      const list = out.get(status.messageId) ?? [];
      list.push(status);
      out.set(status.messageId, list);
    }
    return out;
  }

  /** The user's newest messages with the people in them, Spam and Trash left out. */
  async recentCorrespondence(userId: number, limit: number): Promise<CorrespondenceRecord[]> {
    const rows = await this.db.read.mailMessage.findMany({
      where: { userId, folder: { kind: { notIn: ['spam', 'trash'] } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { fromEmail: true, fromName: true, toJson: true, ccJson: true, createdAt: true, threadId: true, folderId: true },
    });
    return rows.map((r) => ({
      fromEmail: r.fromEmail, fromName: r.fromName, to: parseAddresses(r.toJson), cc: parseAddresses(r.ccJson),
      createdAt: r.createdAt, threadId: r.threadId, folderId: r.folderId,
    }));
  }

  /** Which of these addresses (lower-cased) are users of this server, with their ids and names. */
  async localUsers(addresses: readonly string[]): Promise<Array<{ id: number; email: string; name: string | null }>> {
    if (addresses.length === 0) return [];
    return this.db.read.user.findMany({
      where: { email: { in: addresses.map((a) => a.toLowerCase()) } },
      select: { id: true, email: true, name: true },
    });
  }

  async settings(userId: number): Promise<ChatSettingsRecord> {
    const row = await this.db.read.chatSettings.findUnique({ where: { userId } });
    return row ? { requestReadReceipts: row.requestReadReceipts, sendReadReceipts: row.sendReadReceipts } : NO_CHAT_SETTINGS;
  }

  async saveSettings(userId: number, change: Partial<ChatSettingsRecord>): Promise<ChatSettingsRecord> {
    const row = await this.db.write((tx) =>
      tx.chatSettings.upsert({ where: { userId }, create: { userId, ...NO_CHAT_SETTINGS, ...change }, update: change }),
    );
    return { requestReadReceipts: row.requestReadReceipts, sendReadReceipts: row.sendReadReceipts };
  }

  /** Notes that a read receipt went out for the user's copy; false when one already had. */
  async claimReceipt(userId: number, messageId: number, at: Date): Promise<boolean> {
    try {
      return await this.db.write(async (tx) => {
        const owned = await tx.mailMessage.count({ where: { id: messageId, userId } });
        if (owned === 0) return false;
        const existing = await tx.readReceiptSent.findUnique({ where: { messageId } });
        if (existing) return false;
        // Writes take turns within a process; the message's unique row settles a race between instances.
        await tx.readReceiptSent.create({ data: { messageId, sentAt: at } });
        return true;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}

interface RawCopy {
  userId: number | bigint;
  email: string;
  threadId: number | bigint;
  fromEmail: string;
  toJson: string;
  ccJson: string;
}

function toCopy(r: RawCopy): SharedCopyRecord {
  return {
    userId: Number(r.userId), email: r.email, threadId: Number(r.threadId), fromEmail: r.fromEmail,
    to: parseAddresses(r.toJson), cc: parseAddresses(r.ccJson),
  };
}

function toStatus(row: {
  messageId: number; userId: number; recipient: string; name: string; status: string; at: Date; reason: string | null;
  message: { threadId: number };
}): DeliveryStatusRecord {
  return {
    messageId: row.messageId, threadId: row.message.threadId, userId: row.userId, recipient: row.recipient, name: row.name,
    status: row.status as DeliveryStatusValue, at: row.at, reason: row.reason,
  };
}

function parseAddresses(json: string): AddressRecord[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as AddressRecord[]).filter((a) => a && typeof a.address === 'string') : [];
  } catch {
    return [];
  }
}

/** Records first statuses (a status already there is kept). */
async function addStatusesWithPrisma(db: PrismaDatabase, rows: ReadonlyArray<Omit<DeliveryStatusRecord, 'threadId'>>): Promise<void> {
  if (rows.length === 0) return;
  await db.write(async (tx) => {
    for (const r of rows) {
      await tx.deliveryStatus.upsert({
        where: { messageId_recipient: { messageId: r.messageId, recipient: r.recipient } },
        create: { messageId: r.messageId, userId: r.userId, recipient: r.recipient, name: r.name, status: r.status, at: r.at, reason: r.reason },
        update: {},
      });
    }
  });
}
