// The webhook outbox (table webhook_outbox): an event is a row first, and the
// worker delivers rows, so a receiver that is down loses nothing.
import type { Lease, WebhookOutbox } from '../mail-store.js';
import type { WebhookRow } from '../records.js';
import type { PrismaDatabase } from './prisma-database.js';
import { claimable, claimRead, heldBy, inOrderOf, leaseColumns, noLease } from './work-leases.js';

export class WebhookRepo implements WebhookOutbox {
  constructor(private readonly db: PrismaDatabase) {}

  async enqueue(event: string, payload: string): Promise<number> {
    const row = await this.db.write((tx) => tx.webhookDelivery.create({ data: { event, payload }, select: { id: true } }));
    return row.id;
  }

  async claimDue(now: Date, limit: number, lease: Lease): Promise<WebhookRow[]> {
    return this.db.write(async (tx) => {
      const ids = (await tx.webhookDelivery.findMany(claimRead(now, limit))).map((r) => r.id);
      if (ids.length === 0) return [];
      const claimed = await tx.webhookDelivery.updateManyAndReturn({
        where: { id: { in: ids }, ...claimable(now) },
        data: leaseColumns(lease),
        select: { id: true, event: true, payload: true, attempts: true },
      });
      return inOrderOf(ids, claimed);
    });
  }

  async renewLeases(ids: readonly number[], lease: Lease): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.write((tx) =>
      tx.webhookDelivery.updateManyAndReturn({ where: heldBy(ids, lease.owner), data: { leaseUntil: lease.until }, select: { id: true } }),
    );
    return rows.map((r) => r.id);
  }

  async release(owner: string, ids?: readonly number[]): Promise<void> {
    if (ids?.length === 0) return;
    const held = ids ? heldBy(ids, owner) : { status: 'sending', leaseOwner: owner };
    await this.db.write(async (tx) => {
      // Never attempted stays 'pending'; the rest were waiting for a retry.
      await tx.webhookDelivery.updateMany({ where: { ...held, attempts: 0 }, data: { status: 'pending', ...noLease } });
      await tx.webhookDelivery.updateMany({ where: held, data: { status: 'retry', ...noLease } });
    });
  }

  async markSent(id: number, attempts: number): Promise<void> {
    await this.db.write((tx) => tx.webhookDelivery.update({ where: { id }, data: { status: 'sent', attempts, lastError: null, ...noLease } }));
  }

  async markRetry(id: number, attempts: number, at: Date, error: string): Promise<void> {
    await this.db.write((tx) =>
      tx.webhookDelivery.update({ where: { id }, data: { status: 'retry', attempts, nextAttemptAt: at, lastError: error, ...noLease } }),
    );
  }

  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.db.write((tx) => tx.webhookDelivery.update({ where: { id }, data: { status: 'failed', attempts, lastError: error, ...noLease } }));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const groups = await this.db.read.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  }
}
