// ReceiveBudget: transfers past the limit wait; the oldest still arriving never
// does, so the budget cannot deadlock; released bytes let the others go on.
import { describe, expect, it } from 'vitest';
import { ReceiveBudget } from '../../src/smtp/receive-budget.js';

const settled = async (p: Promise<void> | null): Promise<boolean> => {
  if (!p) return true;
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('ReceiveBudget', () => {
  it('lets transfers take bytes freely under the limit', () => {
    const budget = new ReceiveBudget(100);
    const a = budget.open();
    const b = budget.open();
    expect(a.take(40)).toBeNull();
    expect(b.take(50)).toBeNull();
    expect(budget.heldBytes()).toBe(90);
  });

  it('makes all but the oldest arriving transfer wait past the limit, and wakes them when bytes are released', async () => {
    const budget = new ReceiveBudget(100);
    const oldest = budget.open();
    const younger = budget.open();
    expect(oldest.take(80)).toBeNull();
    const waiting = younger.take(40); // 120 > 100
    expect(await settled(waiting)).toBe(false);
    // The oldest goes on even over the limit: someone must finish.
    expect(oldest.take(500)).toBeNull();
    oldest.doneArriving();
    // Now the younger is the oldest arriving: it may go on although the bytes are still held.
    expect(await settled(waiting)).toBe(true);
    oldest.release();
    expect(budget.heldBytes()).toBe(40);
  });

  it('wakes a waiting transfer when the bytes fit again', async () => {
    const budget = new ReceiveBudget(100);
    const first = budget.open();
    const second = budget.open();
    const third = budget.open();
    first.take(60);
    second.take(30);
    const waiting = third.take(30); // 120
    expect(await settled(waiting)).toBe(false);
    second.release(); // 90: fits
    expect(await settled(waiting)).toBe(true);
    expect(budget.heldBytes()).toBe(90);
  });

  it('releases once, however often it is asked', () => {
    const budget = new ReceiveBudget(100);
    const lease = budget.open();
    lease.take(70);
    lease.release();
    lease.release();
    expect(budget.heldBytes()).toBe(0);
  });
});
