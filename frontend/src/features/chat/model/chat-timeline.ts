// A conversation as a chat: messages in time order, a separator for each
// day, and runs of messages from the same sender within a few minutes
// grouped under one name (the way every chat app does it). Pure, with the
// clock and locale passed in.

export const GROUP_GAP_MS = 5 * 60_000;

export interface TimelineEntry {
  /** stable React key: the message id, or the outgoing message's local id */
  key: string;
  senderAddress: string;
  senderName: string;
  mine: boolean;
  /** ISO time the entry is placed at */
  at: string;
}

export type TimelineItem<E extends TimelineEntry> =
  | { type: 'day'; key: string; label: string }
  | { type: 'group'; key: string; mine: boolean; senderAddress: string; senderName: string; entries: E[] };

export function buildTimeline<E extends TimelineEntry>(entries: readonly E[], now: Date, locale?: string): TimelineItem<E>[] {
  const sorted = entries
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    // Stable: equal times keep their order (a reply sent in the same second).
    .sort((a, b) => (a.t - b.t) || (a.i - b.i))
    .map((x) => x.e);
  const items: TimelineItem<E>[] = [];
  let day: string | null = null;
  let group: Extract<TimelineItem<E>, { type: 'group' }> | null = null;
  let lastAt = 0;
  for (const e of sorted) {
    const at = new Date(e.at);
    const dayKey = localDayKey(at);
    if (dayKey !== day) {
      day = dayKey;
      items.push({ type: 'day', key: `day-${dayKey}`, label: dayLabel(at, now, locale) });
      group = null;
    }
    const sameSender = group !== null && group.senderAddress.toLowerCase() === e.senderAddress.toLowerCase() && group.mine === e.mine;
    if (!sameSender || at.getTime() - lastAt > GROUP_GAP_MS) {
      group = { type: 'group', key: `group-${e.key}`, mine: e.mine, senderAddress: e.senderAddress, senderName: e.senderName, entries: [] };
      items.push(group);
    }
    group!.entries.push(e);
    lastAt = at.getTime();
  }
  return items;
}

/** "Today", "Yesterday", the weekday within the last week, then the date (with the year when it is another one). */
export function dayLabel(date: Date, now: Date, locale?: string): string {
  const days = Math.round((midnight(now) - midnight(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return date.toLocaleDateString(locale, { weekday: 'long' });
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** "14:05" or "2:05 PM", as the browser's locale writes a time. */
export function clockTime(iso: string, locale?: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

function localDayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

// Local midnight in UTC ms, so days count in the reader's time zone (and across DST changes).
function midnight(d: Date): number {
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
}
