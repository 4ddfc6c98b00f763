// The CLI progress bar: drawn only on a terminal, redrawn by the clock it is
// given (no real time involved), always fitting the terminal's width.
import { describe, expect, it } from 'vitest';
import { progressBar, renderProgress } from '../../src/cli/progress-bar.js';

function terminal(columns = 80) {
  const writes: string[] = [];
  return { writes, target: { isTTY: true, columns, write: (s: string) => writes.push(s) } };
}

describe('progress bar', () => {
  it('draws nothing when standard error is not a terminal', () => {
    const writes: string[] = [];
    const bar = progressBar({ isTTY: false, write: (s: string) => writes.push(s) }, 'Importing');
    bar.update(1, 2);
    bar.finish();
    expect(writes).toEqual([]);
  });

  it('redraws at most every interval of its clock, always at the end, and clears itself', () => {
    let t = 0;
    const { writes, target } = terminal();
    const bar = progressBar(target, 'Exporting', { now: () => t, minIntervalMs: 100 });
    bar.update(1, 10);
    t = 50;
    bar.update(2, 10);
    t = 100;
    bar.update(3, 10);
    t = 120;
    bar.update(10, 10);
    bar.finish();
    expect(writes).toEqual([
      `\r${renderProgress('Exporting', 1, 10, 80, 'messages')}\x1b[K`,
      `\r${renderProgress('Exporting', 3, 10, 80, 'messages')}\x1b[K`,
      `\r${renderProgress('Exporting', 10, 10, 80, 'messages')}\x1b[K`,
      '\r\x1b[K',
    ]);
  });

  it('renders counts, bytes, unknown totals, and fits any width', () => {
    expect(renderProgress('Exporting', 1234, 2900, 80, 'messages')).toBe(
      `Exporting [${'#'.repeat(17)}${'.'.repeat(23)}]  42% 1,234/2,900`,
    );
    expect(renderProgress('Importing', 3 * 1024 * 1024, 12 * 1024 * 1024, 80, 'bytes')).toMatch(/^Importing \[#{10}\.{30}\] {2}25% 3\.0 MiB\/12\.0 MiB$/);
    expect(renderProgress('Importing', 512, null, 80, 'bytes')).toBe('Importing 512 B');
    for (const width of [10, 20, 30, 50, 200]) {
      expect(renderProgress('Importing mailbox', 5, 7, width, 'messages').length).toBeLessThan(width);
    }
  });
});
