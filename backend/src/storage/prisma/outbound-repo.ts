// The outbound queue (table outbound_queue): one row per submitted message
// with external recipients, for the queue worker and for operators. The raw
// bytes live in the blob store; a row in an active state keeps its blob alive.
import type { DropResult, Lease, OutboundStore, RetryResult } from '../mail-store.js';
import type { OutboundRecord, OutboundStatus, QueueRow } from '../records.js';
import type { PrismaDatabase } from './prisma-database.js';
import { claimable, claimRead, heldBy, inOrderOf, leaseColumns, noLease } from './work-leases.js';

/** A row as the database holds it (recipients as JSON text). */
type OutboundRow = Omit<OutboundRecord, 'recipients' | 'status'> & { recipients: string; status: string };

const toOutboundRecord = (r: OutboundRow): OutboundRecord => ({
  id: r.id, userId: r.userId, mailFrom: r.mailFrom, recipients: recipientList(r.recipients),
  rawSha256: r.rawSha256, sizeBytes: r.sizeBytes, status: r.status as OutboundStatus, attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, createdAt: r.createdAt,
});

const toQueueRow = (row: OutboundRow): QueueRow => {
  const { rawSha256: _blob, ...visible } = toOutboundRecord(row);
  return visible;
};

function recipientList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

export class OutboundRepo implements OutboundStore {
  /** releaseBlobs: removes the blobs that nothing references any more */
  constructor(
    private readonly db: PrismaDatabase,
    private readonly releaseBlobs: (hashes: string[]) => Promise<void>,
  ) {}

  async claimDue(now: Date, limit: number, lease: Lease): Promise<OutboundRecord[]> {
    return this.db.write(async (tx) => {
      const ids = (await tx.outboundMessage.findMany(claimRead(now, limit))).map((r) => r.id);
      if (ids.length === 0) return [];
      const claimed = await tx.outboundMessage.updateManyAndReturn({
        where: { id: { in: ids }, ...claimable(now) },
        data: { ...leaseColumns(lease), attempts: { increment: 1 } },
      });
      return inOrderOf(ids, claimed).map(toOutboundRecord);
    });
  }

  async renewLeases(ids: readonly number[], lease: Lease): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.write((tx) =>
      tx.outboundMessage.updateManyAndReturn({ where: heldBy(ids, lease.owner), data: { leaseUntil: lease.until }, select: { id: true } }),
    );
    return rows.map((r) => r.id);
  }

  async markSent(id: number, note: string | null = null): Promise<void> {
    await this.db.write((tx) => tx.outboundMessage.update({ where: { id }, data: { status: 'sent', lastError: note, ...noLease } }));
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.db.write((tx) => tx.outboundMessage.update({ where: { id }, data: { status: 'failed', lastError: error, ...noLease } }));
  }

  async scheduleRetry(id: number, recipients: string[], at: Date, error: string): Promise<void> {
    await this.db.write((tx) =>
      tx.outboundMessage.update({
        where: { id },
        data: { status: 'retry', recipients: JSON.stringify(recipients), nextAttemptAt: at, lastError: error, ...noLease },
      }),
    );
  }

  /** A restart: what this instance held was cut off mid-attempt; try it again now rather than after the lease. */
  async recoverInterrupted(owner: string, now: Date): Promise<number> {
    const { count } = await this.db.write((tx) =>
      tx.outboundMessage.updateMany({
        where: { status: 'sending', leaseOwner: owner },
        data: { status: 'retry', nextAttemptAt: now, ...noLease },
      }),
    );
    return count;
  }

  async get(id: number): Promise<OutboundRecord | null> {
    const row = await this.db.read.outboundMessage.findUnique({ where: { id } });
    return row ? toOutboundRecord(row) : null;
  }

  async list(filter: { userId?: number; status?: OutboundStatus } = {}, limit = 100): Promise<OutboundRecord[]> {
    const rows = await this.db.read.outboundMessage.findMany({ where: filter, orderBy: { id: 'desc' }, take: limit });
    return rows.map(toOutboundRecord);
  }

  async page(status: OutboundStatus | undefined, offset: number, limit: number, after: number | null = null): Promise<{ items: QueueRow[]; total: number }> {
    const where = status ? { status } : {};
    const [rows, total] = await Promise.all([
      this.db.read.outboundMessage.findMany({
        where: after === null ? where : { ...where, id: { gt: after } },
        orderBy: { id: 'asc' },
        skip: after === null ? offset : 0,
        take: limit,
      }),
      this.db.read.outboundMessage.count({ where }),
    ]);
    return { items: rows.map(toQueueRow), total };
  }

  async counts(): Promise<Record<string, number>> {
    const groups = await this.db.read.outboundMessage.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  }

  async retryNow(id: number): Promise<RetryResult> {
    return this.db.write(async (tx) => {
      const row = await tx.outboundMessage.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.status === 'sending') return { ok: false, reason: 'in_progress' };
      if (row.status === 'sent') return { ok: false, reason: 'already_sent' };
      const updated = await tx.outboundMessage.update({ where: { id }, data: { status: 'retry', nextAttemptAt: new Date(), ...noLease } });
      return { ok: true, row: toQueueRow(updated) };
    });
  }

  async drop(id: number): Promise<DropResult> {
    const result = await this.db.write(async (tx): Promise<{ ok: true; rawSha256: string } | Extract<DropResult, { ok: false }>> => {
      const row = await tx.outboundMessage.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.status === 'sending') return { ok: false, reason: 'in_progress' };
      await tx.outboundMessage.delete({ where: { id } });
      return { ok: true, rawSha256: row.rawSha256 };
    });
    if (!result.ok) return result;
    await this.releaseBlobs([result.rawSha256]);
    return { ok: true };
  }
}
