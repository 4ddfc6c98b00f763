// PipelineWatch: what /health reads to tell a stalled intake. Driven by a
// clock the test controls.
import { describe, expect, it } from 'vitest';
import { PipelineWatch } from '../../src/core/pipeline-watch.js';

describe('PipelineWatch', () => {
  it('reports the deliveries in progress and the age of the oldest, and forgets finished ones', async () => {
    let now = 1000;
    const watch = new PipelineWatch(() => now);
    expect(watch.status()).toEqual({ inFlight: 0, oldestMs: 0 });
    let finishFirst!: () => void;
    const first = watch.track(() => new Promise<void>((r) => (finishFirst = r)));
    now = 1500;
    const second = watch.track(() => Promise.reject(new Error('failed delivery')));
    expect(watch.status()).toEqual({ inFlight: 2, oldestMs: 500 });
    await expect(second).rejects.toThrow('failed delivery');
    now = 4000;
    expect(watch.status()).toEqual({ inFlight: 1, oldestMs: 3000 });
    finishFirst();
    await first;
    expect(watch.status()).toEqual({ inFlight: 0, oldestMs: 0 });
  });
});
