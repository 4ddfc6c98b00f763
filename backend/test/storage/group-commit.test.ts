// Group commit: items that arrive while a commit runs share the next one, and
// a failing item fails alone.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/storage/group-commit.js';

/** A commit that takes the thread for a while, as the WAL fsync does. */
function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

function recorder(batches: string[][]) {
  let nextId = 1;
  return (items: string[]): number[] => {
    batches.push([...items]);
    busyFor(5);
    if (items.includes('poison')) throw new Error('constraint failed');
    return items.map(() => nextId++);
  };
}

describe('GroupCommit', () => {
  it('commits items that arrive during a commit together, each resolved with its own result', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(recorder(batches));
    const first = group.submit('a');
    // These arrive while 'a' commits (queued behind it on this thread).
    setImmediate(() => ['b', 'c', 'd'].forEach((s) => void group.submit(s)));
    const later = new Promise<number[]>((resolve) => setImmediate(() => resolve(Promise.all(['e', 'f'].map((s) => group.submit(s))))));
    expect(await first).toBe(1);
    expect(await later).toEqual([5, 6]);
    expect(batches).toEqual([['a'], ['b', 'c', 'd', 'e', 'f']]);
  });

  it('puts everything submitted in one turn into one transaction', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(recorder(batches));
    const results = await Promise.all(['a', 'b', 'c'].map((s) => group.submit(s)));
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(results).toEqual([1, 2, 3]);
  });

  it('retries a failed batch one item at a time, so only the bad one fails', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(recorder(batches));
    const outcomes = await Promise.allSettled(['ok-1', 'poison', 'ok-2'].map((s) => group.submit(s)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['ok-1', 'poison', 'ok-2'], ['ok-1'], ['poison'], ['ok-2']]);
  });

  it('caps a batch by weight; an item over the cap goes alone', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(recorder(batches), (s) => s.length, 4);
    await Promise.all(['aa', 'bb', 'c', 'dddddd', 'e'].map((s) => group.submit(s)));
    expect(batches).toEqual([['aa', 'bb'], ['c'], ['dddddd'], ['e']]);
  });
});
