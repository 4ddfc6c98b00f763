// ByteBudget: work runs together while its bytes fit, waits in order when
// they do not, and a task bigger than the whole budget still runs alone.
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../src/mail/parse-pool/byte-budget.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ByteBudget', () => {
  it('runs tasks that fit at once, queues the rest in arrival order', async () => {
    const budget = new ByteBudget(10);
    const started: string[] = [];
    const gates = { a: deferred(), b: deferred(), c: deferred(), d: deferred() };
    const run = (name: keyof typeof gates, bytes: number) =>
      budget.run(bytes, async () => {
        started.push(name);
        await gates[name].promise;
      });
    const all = [run('a', 6), run('b', 4), run('c', 5), run('d', 1)];
    await Promise.resolve();
    // d would fit, but c came first: no overtaking.
    expect(started).toEqual(['a', 'b']);
    gates.a.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.b.resolve();
    gates.c.resolve();
    gates.d.resolve();
    await Promise.all(all);
  });

  it('runs a task larger than the budget when nothing else runs, and frees its bytes after a failure', async () => {
    const budget = new ByteBudget(10);
    await expect(budget.run(100, async () => 'big')).resolves.toBe('big');
    await expect(budget.run(5, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(budget.run(10, async () => 'fits again')).resolves.toBe('fits again');
  });

  it('stops counting a task that runs past holdMs, so a stuck task does not block the queue', async () => {
    const timers: Array<() => void> = [];
    const budget = new ByteBudget(10, { holdMs: 500, setTimer: (fn) => (timers.push(fn), { clear: () => undefined }) });
    const stuck = deferred();
    const started: string[] = [];
    void budget.run(8, async () => {
      started.push('stuck');
      await stuck.promise;
    });
    const next = budget.run(8, async () => {
      started.push('next');
      return 'ran';
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['stuck']);
    timers[0]!(); // the stuck task's hold ends
    await expect(next).resolves.toBe('ran');
    expect(started).toEqual(['stuck', 'next']);
    stuck.resolve();
  });
});
