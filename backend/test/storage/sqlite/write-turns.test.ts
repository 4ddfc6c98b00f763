// Shared turns overlap; an exclusive turn runs alone; turns start in arrival order.
import { describe, expect, it } from 'vitest';
import { WriteTurns } from '../../../src/storage/sqlite/write-turns.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteTurns', () => {
  it('lets shared turns overlap', async () => {
    const turns = new WriteTurns();
    const g = gate();
    let running = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++running);
      await g.opened;
      running--;
    };
    const all = Promise.all([turns.shared(task), turns.shared(task), turns.shared(task)]);
    await tick();
    expect(most).toBe(3);
    g.open();
    await all;
  });

  it('starts an exclusive turn only when the shared ones before it have ended, and holds later ones back', async () => {
    const turns = new WriteTurns();
    const log: string[] = [];
    const first = gate();
    const exclusive = gate();
    const s1 = turns.shared(async () => {
      log.push('s1 start');
      await first.opened;
      log.push('s1 end');
    });
    const x = turns.exclusive(async () => {
      log.push('x start');
      await exclusive.opened;
      log.push('x end');
    });
    const s2 = turns.shared(async () => void log.push('s2'));
    await tick();
    expect(log).toEqual(['s1 start']);
    first.open();
    await s1;
    await tick();
    expect(log).toEqual(['s1 start', 's1 end', 'x start']);
    exclusive.open();
    await Promise.all([x, s2]);
    expect(log).toEqual(['s1 start', 's1 end', 'x start', 'x end', 's2']);
  });

  it('passes results and failures through, and a failed turn frees the lock', async () => {
    const turns = new WriteTurns();
    await expect(turns.exclusive(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await turns.exclusive(async () => 42)).toBe(42);
    expect(await turns.shared(async () => 'ok')).toBe('ok');
  });

  it('drain waits for every turn taken so far', async () => {
    const turns = new WriteTurns();
    const g = gate();
    let done = false;
    void turns.shared(async () => {
      await g.opened;
      done = true;
    });
    const drained = turns.drain().then(() => done);
    g.open();
    expect(await drained).toBe(true);
    await turns.drain(); // idle: resolves at once
  });
});
