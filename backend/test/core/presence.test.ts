import { describe, expect, it } from 'vitest';
import { LocalPresence } from '../../src/core/presence.js';

describe('LocalPresence', () => {
  it('is online from the first socket until the last one closes', async () => {
    let t = new Date('2026-11-21T10:00:00Z');
    const p = new LocalPresence(() => t);
    expect(await p.socketOpened(1)).toBe(true);
    expect(await p.socketOpened(1)).toBe(false); // a second tab
    expect((await p.statusOf([1])).get(1)).toEqual({ online: true, lastSeenAt: null });
    expect(await p.socketClosed(1)).toBeNull();
    expect((await p.statusOf([1])).get(1)!.online).toBe(true);
    t = new Date('2026-11-21T10:05:00Z');
    expect(await p.socketClosed(1)).toEqual(t);
    expect((await p.statusOf([1])).get(1)).toEqual({ online: false, lastSeenAt: t });
    // Back again: online, and last seen is not shown while online.
    expect(await p.socketOpened(1)).toBe(true);
    expect((await p.statusOf([1])).get(1)).toEqual({ online: true, lastSeenAt: null });
  });

  it('knows nothing of users never seen, and never counts below zero', async () => {
    const p = new LocalPresence();
    expect((await p.statusOf([7])).get(7)).toEqual({ online: false, lastSeenAt: null });
    expect(await p.socketClosed(7)).toBeNull();
    expect(await p.socketOpened(7)).toBe(true);
  });
});
