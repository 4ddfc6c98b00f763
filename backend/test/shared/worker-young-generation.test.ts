// A worker thread sizes its own young generation (maxYoungGenerationSizeMb),
// even when the command line set --max-semi-space-size for the main thread:
// V8 would otherwise apply the flag to every isolate made after it.
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerRpc } from '../../src/shared/worker-rpc.js';

const MB = 1024 * 1024;

// As `node --max-semi-space-size=1` would: a 1 MB semi-space, a new space of at most 2 MB.
setFlagsFromString('--max-semi-space-size=1');
const rpc = new WorkerRpc(new URL('../support/echo-worker.ts', import.meta.url), { prefix: '' }, { maxYoungGenerationSizeMb: 48 });

afterAll(() => rpc.close());

describe('a worker thread young generation', () => {
  it('grows past the command line semi-space to the size the worker asked for', async () => {
    const newSpace = await rpc.call<number>((id) => ({ id, action: 'youngGeneration' }));
    expect(newSpace).toBeGreaterThan(8 * MB);
    expect(newSpace).toBeLessThanOrEqual(32 * MB);
  });
});
