// What operators do to the outbound queue by hand: look, retry now, drop.
// Delivery itself belongs to the queue worker (outbound-repo.ts).
import type { Database } from './database.js';
import { toOutboundRecord, type OutboundRecord, type OutboundRow, type OutboundStatus } from './outbound-repo.js';

/** A queue row as operators see it: everything but the blob reference. */
export type QueueRow = Omit<OutboundRecord, 'rawSha256'>;

const toRow = (row: OutboundRow): QueueRow => {
  const { rawSha256: _blob, ...visible } = toOutboundRecord(row);
  return visible;
};

export type RetryResult = { ok: true; row: QueueRow } | { ok: false; reason: 'not_found' | 'in_progress' | 'already_sent' };
export type DropResult = { ok: true; rawSha256: string } | { ok: false; reason: 'not_found' | 'in_progress' };

export class QueueAdminRepo {
  constructor(private readonly db: Database) {}

  async list(status: OutboundStatus | undefined, offset: number, limit: number): Promise<{ items: QueueRow[]; total: number }> {
    const where = status ? { status } : {};
    const [rows, total] = await Promise.all([
      this.db.read.outboundMessage.findMany({ where, orderBy: { id: 'asc' }, skip: offset, take: limit }),
      this.db.read.outboundMessage.count({ where }),
    ]);
    return { items: rows.map(toRow), total };
  }

  async counts(): Promise<Record<string, number>> {
    const groups = await this.db.read.outboundMessage.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  }

  /** Due now, attempts kept; a row being sent or already sent is left alone. */
  async retryNow(id: number): Promise<RetryResult> {
    return this.db.write(async (tx) => {
      const row = await tx.outboundMessage.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.status === 'sending') return { ok: false, reason: 'in_progress' };
      if (row.status === 'sent') return { ok: false, reason: 'already_sent' };
      const updated = await tx.outboundMessage.update({ where: { id }, data: { status: 'retry', nextAttemptAt: new Date() } });
      return { ok: true, row: toRow(updated) };
    });
  }

  /** Drops a row that is not mid-delivery; returns the blob it named. */
  async drop(id: number): Promise<DropResult> {
    return this.db.write(async (tx) => {
      const row = await tx.outboundMessage.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.status === 'sending') return { ok: false, reason: 'in_progress' };
      await tx.outboundMessage.delete({ where: { id } });
      return { ok: true, rawSha256: row.rawSha256 };
    });
  }
}
