import { describe, expect, it } from 'vitest';
import { WorkLeases } from '../../src/core/work-lease.js';
import { createLogger } from '../../src/shared/logger.js';

const log = createLogger({ level: 'silent', pretty: false });

describe('WorkLeases', () => {
  it('leases from now for the owner, and renews exactly the rows still held', async () => {
    let now = 1_000;
    const renewals: Array<{ ids: number[]; until: number }> = [];
    const leases = new WorkLeases({ owner: 'mx1', ms: 30_000 }, async (ids, lease) => {
      expect(lease.owner).toBe('mx1');
      renewals.push({ ids: [...ids], until: lease.until.getTime() });
      return ids.filter((id) => id !== 3); // row 3 was taken over meanwhile
    }, log, () => now);
    expect(leases.lease()).toEqual({ owner: 'mx1', until: new Date(31_000) });
    leases.hold([1, 2, 3]);
    now = 11_000;
    await leases.renewHeld();
    leases.letGo(2);
    now = 21_000;
    await leases.renewHeld();
    expect(renewals).toEqual([{ ids: [1, 2, 3], until: 41_000 }, { ids: [1, 3], until: 51_000 }]);
    leases.letGo(1);
    leases.letGo(3);
    await leases.renewHeld(); // nothing held: nothing asked
    expect(renewals).toHaveLength(2);
    await leases.stop();
  });

  it('keeps its rows when a renewal fails, and tries again', async () => {
    let fail = true;
    let calls = 0;
    const leases = new WorkLeases({ owner: 'mx1', ms: 30_000 }, async (ids) => {
      calls++;
      if (fail) throw new Error('database away');
      return [...ids];
    }, log);
    leases.hold([5]);
    await leases.renewHeld();
    fail = false;
    await leases.renewHeld();
    expect(calls).toBe(2);
    await leases.stop();
  });
});
