// Small display formatters shared by features.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * The one date style of the inbox, in the browser's locale: relative for the
 * last week ("now", "5 min. ago", "3 hr. ago", "yesterday", "3 days ago"),
 * then the date ("5 Jun", with the year when it is not this one). The full
 * date goes in the tooltip (formatFullDate).
 */
export function formatRelativeTime(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const seconds = (now.getTime() - date.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  // A little ahead (clocks differ) reads as now; far ahead falls through to the date.
  if (seconds > -120 && seconds < 45) return rtf.format(0, 'second');
  if (seconds >= 45 && seconds < 3600) return rtf.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
  const days = calendarDaysBetween(date, now);
  if (seconds >= 3600 && days === 0) return rtf.format(-Math.floor(seconds / 3600), 'hour');
  if (days >= 1 && days < 7) return rtf.format(-days, 'day');
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** "Friday, 5 June 2026 at 17:10" in the browser's locale, for tooltips and details. */
export function formatFullDate(iso: string, locale?: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** Midnights between the two local dates (0 on the same day, 1 for yesterday). */
function calendarDaysBetween(earlier: Date, later: Date): number {
  const day = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
  return day(later) - day(earlier);
}
