// WorkerRpc: the ingest database worker's transport. A failure in the worker
// must fail only the requests in flight, never hang them, and the next
// request must get a fresh worker.
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerCallError, WorkerRpc } from '../../src/shared/worker-rpc.js';

const rpc = new WorkerRpc(new URL('../support/echo-worker.ts', import.meta.url), { prefix: 'echo:' });

afterAll(() => rpc.close());

describe('WorkerRpc', () => {
  it('answers requests with the worker value, and passes the worker its data', async () => {
    await expect(rpc.call((id) => ({ id, action: 'echo', value: 42 }))).resolves.toBe('echo:42');
  });

  it('rejects with the worker error message and code', async () => {
    const err = await rpc.call((id) => ({ id, action: 'fail' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCallError);
    expect((err as WorkerCallError).message).toBe('asked to fail');
    expect((err as WorkerCallError).code).toBe('E_ASKED');
  });

  it('fails the requests in flight when the worker dies, then starts a new one', async () => {
    const err = await rpc.call((id) => ({ id, action: 'die' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCallError);
    expect((err as Error).message).toMatch(/exited \(3\)/);
    await expect(rpc.call((id) => ({ id, action: 'echo', value: 'again' }))).resolves.toBe('echo:again');
  });

  it('keeps answers apart when many requests are in flight', async () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const answers = await Promise.all(values.map((v) => rpc.call((id) => ({ id, action: 'echo', value: v }))));
    expect(answers).toEqual(values.map((v) => `echo:${v}`));
  });
});
