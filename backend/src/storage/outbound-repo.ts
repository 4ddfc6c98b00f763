// The outbound queue (table outbound_queue): one row per submitted message
// with external recipients. The raw bytes live in the blob store; a row in an
// active state keeps its blob alive.
import type { Database } from './database.js';

export type OutboundStatus = 'pending' | 'sending' | 'retry' | 'sent' | 'failed';
/** states in which the row still needs its raw blob */
export const ACTIVE_OUTBOUND: OutboundStatus[] = ['pending', 'sending', 'retry'];

export interface OutboundRecord {
  id: number;
  userId: number;
  mailFrom: string;
  recipients: string[];
  rawSha256: string;
  sizeBytes: number;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

/** A row as the database holds it (recipients as JSON text). */
export type OutboundRow = Omit<OutboundRecord, 'recipients' | 'status'> & { recipients: string; status: string };

export const toOutboundRecord = (r: OutboundRow): OutboundRecord => ({
  id: r.id, userId: r.userId, mailFrom: r.mailFrom, recipients: recipientList(r.recipients),
  rawSha256: r.rawSha256, sizeBytes: r.sizeBytes, status: r.status as OutboundStatus, attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, createdAt: r.createdAt,
});

function recipientList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

export class OutboundRepo {
  constructor(private readonly db: Database) {}

  async enqueue(input: { userId: number; mailFrom: string; recipients: string[]; rawSha256: string; sizeBytes: number }): Promise<OutboundRecord> {
    const row = await this.db.write((tx) =>
      tx.outboundMessage.create({ data: { ...input, recipients: JSON.stringify(input.recipients), status: 'pending' } }),
    );
    return toOutboundRecord(row);
  }

  /** Marks up to `limit` due rows 'sending' (one attempt more) and returns them. */
  async claimDue(now: Date, limit: number): Promise<OutboundRecord[]> {
    return this.db.write(async (tx) => {
      const due = await tx.outboundMessage.findMany({
        where: { status: { in: ['pending', 'retry'] }, nextAttemptAt: { lte: now } },
        orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      if (due.length === 0) return [];
      await tx.outboundMessage.updateMany({
        where: { id: { in: due.map((r) => r.id) } },
        data: { status: 'sending', attempts: { increment: 1 } },
      });
      return due.map((r) => toOutboundRecord({ ...r, status: 'sending', attempts: r.attempts + 1 }));
    });
  }

  async markSent(id: number, note: string | null = null): Promise<void> {
    await this.db.write((tx) => tx.outboundMessage.update({ where: { id }, data: { status: 'sent', lastError: note } }));
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.db.write((tx) => tx.outboundMessage.update({ where: { id }, data: { status: 'failed', lastError: error } }));
  }

  /** Back to the queue for the recipients still pending, at `at`. */
  async scheduleRetry(id: number, recipients: string[], at: Date, error: string): Promise<void> {
    await this.db.write((tx) =>
      tx.outboundMessage.update({
        where: { id },
        data: { status: 'retry', recipients: JSON.stringify(recipients), nextAttemptAt: at, lastError: error },
      }),
    );
  }

  /** Crash recovery: a row left 'sending' was cut off mid-attempt; try it again now. */
  async recoverInterrupted(now: Date): Promise<number> {
    const { count } = await this.db.write((tx) =>
      tx.outboundMessage.updateMany({ where: { status: 'sending' }, data: { status: 'retry', nextAttemptAt: now } }),
    );
    return count;
  }

  async nextDueAt(): Promise<Date | null> {
    const row = await this.db.read.outboundMessage.findFirst({
      where: { status: { in: ['pending', 'retry'] } },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    });
    return row?.nextAttemptAt ?? null;
  }

  async get(id: number): Promise<OutboundRecord | null> {
    const row = await this.db.read.outboundMessage.findUnique({ where: { id } });
    return row ? toOutboundRecord(row) : null;
  }

  /** Newest first; for the CLI, metrics and tests. */
  async list(filter: { userId?: number; status?: OutboundStatus } = {}, limit = 100): Promise<OutboundRecord[]> {
    const rows = await this.db.read.outboundMessage.findMany({ where: filter, orderBy: { id: 'desc' }, take: limit });
    return rows.map(toOutboundRecord);
  }
}
