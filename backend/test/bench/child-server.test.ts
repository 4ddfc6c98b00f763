// The bench's child servers: one that prints a lot before its ready line
// (run with diagnostics such as --trace-gc) is still seen to be ready.
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../../scripts/bench/child-server.js';

let child: ChildServer | undefined;

afterAll(() => child?.stop());

describe('startChildServer', () => {
  it('finds the ready line after more output than it keeps', async () => {
    const script = "process.stdout.write('x'.repeat(50000) + '\\nchild re'); setTimeout(() => process.stdout.write('ady\\n'), 50); setInterval(() => {}, 1000);";
    child = await startChildServer({ name: 'chatty', args: ['-e', script], env: process.env, cwd: process.cwd(), readyLine: 'child ready', readyTimeoutMs: 5000 });
    expect(child.pid).toBeGreaterThan(0);
  });
});
