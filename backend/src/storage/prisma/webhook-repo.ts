// The webhook outbox (table webhook_outbox): an event is a row first, and the
// worker delivers rows, so a receiver that is down loses nothing.
import type { WebhookOutbox } from '../mail-store.js';
import type { WebhookRow } from '../records.js';
import type { PrismaDatabase } from './prisma-database.js';

export class WebhookRepo implements WebhookOutbox {
  constructor(private readonly db: PrismaDatabase) {}

  async enqueue(event: string, payload: string): Promise<number> {
    const row = await this.db.write((tx) => tx.webhookDelivery.create({ data: { event, payload }, select: { id: true } }));
    return row.id;
  }

  async due(now: Date, limit: number): Promise<WebhookRow[]> {
    return this.db.read.webhookDelivery.findMany({
      where: { status: { in: ['pending', 'retry'] }, nextAttemptAt: { lte: now } },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, event: true, payload: true, attempts: true },
    });
  }

  async markSent(id: number, attempts: number): Promise<void> {
    await this.db.write((tx) => tx.webhookDelivery.update({ where: { id }, data: { status: 'sent', attempts, lastError: null } }));
  }

  async markRetry(id: number, attempts: number, at: Date, error: string): Promise<void> {
    await this.db.write((tx) =>
      tx.webhookDelivery.update({ where: { id }, data: { status: 'retry', attempts, nextAttemptAt: at, lastError: error } }),
    );
  }

  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.db.write((tx) => tx.webhookDelivery.update({ where: { id }, data: { status: 'failed', attempts, lastError: error } }));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const groups = await this.db.read.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  }
}
