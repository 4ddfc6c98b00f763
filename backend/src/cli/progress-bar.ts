// A one-line progress bar for long CLI commands (mailbox export/import),
// drawn on standard error only when it is a terminal: piped or in CI the
// command prints just its result. Redraws at most every minIntervalMs by the
// clock it is given, so a tight loop does not spend its time drawing.

export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** done so far, of total (unknown: null); unit says how to print them */
  update(done: number, total: number | null): void;
  /** clears the bar; the caller prints its own summary */
  finish(): void;
}

export interface ProgressOptions {
  unit?: 'messages' | 'bytes';
  now?: () => number;
  minIntervalMs?: number;
}

export function progressBar(target: ProgressTarget, label: string, opts: ProgressOptions = {}): ProgressBar {
  if (!target.isTTY) return { update() {}, finish() {} };
  const now = opts.now ?? Date.now;
  const minInterval = opts.minIntervalMs ?? 100;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (t - last < minInterval && !(total !== null && done >= total)) return;
      last = t;
      drawn = true;
      target.write(`\r${renderProgress(label, done, total, target.columns ?? 80, opts.unit ?? 'messages')}\x1b[K`);
    },
    finish() {
      if (drawn) target.write('\r\x1b[K');
    },
  };
}

/** The bar's text, shorter than `width`: "label [#####.....]  42% 1,234/2,900". */
export function renderProgress(label: string, done: number, total: number | null, width: number, unit: 'messages' | 'bytes'): string {
  const count = total === null ? amount(done, unit) : `${amount(done, unit)}/${amount(total, unit)}`;
  if (total === null || total <= 0) return fit(`${label} ${count}`, width);
  const ratio = Math.min(1, Math.max(0, done / total));
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const fixed = `${label} [] ${percent} ${count}`;
  const barWidth = Math.min(40, width - 1 - fixed.length);
  if (barWidth < 5) return fit(`${label} ${percent} ${count}`, width);
  const filled = Math.round(ratio * barWidth);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${percent} ${count}`;
}

function amount(n: number, unit: 'messages' | 'bytes'): string {
  if (unit === 'messages') return n.toLocaleString('en-US');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}

const fit = (s: string, width: number) => (s.length < width ? s : s.slice(0, Math.max(0, width - 1)));
