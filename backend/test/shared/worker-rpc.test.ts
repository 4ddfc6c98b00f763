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

describe('WorkerRpc.terminate', () => {
  it('ends a worker stuck on a request: that request fails with the reason, the next call gets a fresh worker', async () => {
    await rpc.ready();
    const stuck = rpc.call((id) => ({ id, action: 'hang' }));
    rpc.terminate(new Error('abandoned'));
    await expect(stuck).rejects.toThrow('abandoned');
    await expect(rpc.call((id) => ({ id, action: 'echo', value: 'fresh' }))).resolves.toBe('echo:fresh');
  });

  it('does not start a worker after close', async () => {
    const closed = new WorkerRpc(new URL('../support/echo-worker.ts', import.meta.url), { prefix: '' });
    await closed.close();
    await expect(closed.call((id) => ({ id, action: 'echo', value: 1 }))).rejects.toThrow('the worker was closed');
  });
});

describe('WorkerRpc batching', () => {
  it('sends the requests of one turn as one message, and each still gets its own answer or error', async () => {
    const calls = [
      rpc.call((id) => ({ id, action: 'echo', value: 'a' })),
      rpc.call((id) => ({ id, action: 'fail' })).catch((e: unknown) => (e as Error).message),
      rpc.call((id) => ({ id, action: 'echo', value: 'b' })),
      rpc.call<number>((id) => ({ id, action: 'batchSize' })),
    ];
    await expect(Promise.all(calls)).resolves.toEqual(['echo:a', 'asked to fail', 'echo:b', 4]);
  });

  it('rejects only the requests of a batch that cannot be sent', async () => {
    const bad = rpc.call((id) => ({ id, action: 'echo', value: () => 'a function cannot be cloned' }));
    await expect(bad).rejects.toThrow();
    await expect(rpc.call((id) => ({ id, action: 'echo', value: 'next' }))).resolves.toBe('echo:next');
  });

  it('answers a value that cannot be cloned with an error, and the others normally', async () => {
    const calls = [
      rpc.call((id) => ({ id, action: 'unsendable' })).catch((e: unknown) => (e as Error).message),
      rpc.call((id) => ({ id, action: 'echo', value: 'fine' })),
    ];
    const [unsendable, fine] = await Promise.all(calls);
    expect(unsendable).toMatch(/answer not sendable/);
    expect(fine).toBe('echo:fine');
  });
});
