// Group commit: deliveries that arrive while a commit runs share the next
// one, and a failing delivery fails alone.
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import type { CommittedRows, DeliveryRows } from '../../src/storage/ingest-worker-protocol.js';
import { IngestWriter } from '../../src/storage/ingest-writer.js';
import type { NewMessageCopy } from '../../src/storage/message-store.js';

function fakeDatabase(batches: string[][]) {
  let nextId = 1;
  return {
    async commitDeliveries(deliveries: DeliveryRows[]): Promise<CommittedRows[]> {
      const subjects = deliveries.map((d) => d.copies[0]!.subject);
      batches.push(subjects);
      await new Promise((r) => setTimeout(r, 5)); // a commit takes a while (the fsync)
      if (subjects.includes('poison')) throw new Error('constraint failed');
      return deliveries.map((d) => ({
        copies: d.copies.map((c) => ({ id: nextId++, userId: c.userId, threadId: 1, folderId: c.folderId, attachments: [] })),
        outboundId: null,
      }));
    },
  } as unknown as Database;
}

const delivery = (subject: string): DeliveryRows => ({
  copies: [{ userId: 1, folderId: 1, subject } as NewMessageCopy],
});

describe('IngestWriter', () => {
  it('commits deliveries that arrive during a commit together, each resolved with its own rows', async () => {
    const batches: string[][] = [];
    const writer = new IngestWriter(fakeDatabase(batches));
    const subjects = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(subjects.map((s) => writer.store(delivery(s))));
    expect(batches).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    expect(results.map((r) => r.copies.length)).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(results.map((r) => r.copies[0]!.id)).size).toBe(5);
  });

  it('retries a failed batch one delivery at a time, so only the bad one fails', async () => {
    const batches: string[][] = [];
    const writer = new IngestWriter(fakeDatabase(batches));
    const outcomes = await Promise.allSettled(['first', 'ok-1', 'poison', 'ok-2'].map((s) => writer.store(delivery(s))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['first'], ['ok-1', 'poison', 'ok-2'], ['ok-1'], ['poison'], ['ok-2']]);
  });
});
