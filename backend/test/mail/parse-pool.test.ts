// ParsePool with a parse that spins rather than stalls: at its deadline the
// thread is ended and replaced, the spinning message gets its header fields,
// and a message that was waiting on the same thread is parsed in full on the
// next one.
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/mail/parse-pool/parse-pool.js';

const pool = new ParsePool({
  workers: 1,
  // Generous for the innocent message's parse on a busy machine; the spinning one waits it out.
  timeoutMs: 1000,
  threadModule: new URL('../support/spinning-parse-thread.ts', import.meta.url),
});

afterAll(() => pool.close());

describe('ParsePool', () => {
  it('ends a thread whose parse overruns, and parses the innocent message on a fresh one', async () => {
    await pool.start();
    const spinning = pool.parse(Buffer.from('SPIN\r\nSubject: never ends\r\n\r\nbody\r\n'));
    const innocent = pool.parse(Buffer.from('Subject: innocent\r\nContent-Type: text/plain\r\n\r\nhello\r\n'));
    const [spun, parsed] = await Promise.all([spinning, innocent]);
    expect(spun.parseError).toMatch(/did not finish within 1000 ms/);
    expect(parsed).toMatchObject({ subject: 'innocent', text: 'hello\n', parseError: null });
    // And the pool goes on.
    expect((await pool.parse(Buffer.from('Subject: after\r\n\r\nx\r\n'))).subject).toBe('after');
  });
});

describe('ParsePool with two threads', () => {
  const routed = new ParsePool({ workers: 2, timeoutMs: 5000, threadModule: new URL('../support/thread-report-parse-thread.ts', import.meta.url) });
  afterAll(() => routed.close());
  const report = async (bytes: number) =>
    JSON.parse((await routed.parse(Buffer.alloc(bytes, 'a'))).subject) as { threadId: number; newSpaceBytes: number };

  it('parses big and small mail on different threads, small mail with the larger young generation', async () => {
    const big = await report(300 * 1024);
    const small = await report(4 * 1024);
    expect(small.threadId).not.toBe(big.threadId);
    expect((await report(1024)).threadId).toBe(small.threadId);
    expect((await report(1024 * 1024)).threadId).toBe(big.threadId);
    // 16 MB semi-spaces against 8 MB: a new space of up to 32 MB against 16 MB.
    expect(small.newSpaceBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(big.newSpaceBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});
