import { describe, expect, it } from 'vitest';
import { formatBytes, formatFullDate, formatRelativeTime } from './format';

// Local times, so the calendar-day rules hold in any time zone the test runs in.
const now = new Date(2026, 5, 12, 15, 30, 0); // Fri 12 Jun 2026, 15:30
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const at = (...parts: [number, number, number, number?, number?]) => new Date(...(parts as [number, number, number, number, number])).toISOString();
const rel = (iso: string) => formatRelativeTime(iso, now, 'en-US');

describe('formatRelativeTime', () => {
  it('is relative for the last week', () => {
    expect(rel(ago(10_000))).toBe('now');
    expect(rel(ago(-30_000))).toBe('now'); // a sender's clock a little ahead
    expect(rel(ago(5 * 60_000))).toBe('5 min. ago');
    expect(rel(ago(3 * 3600_000))).toBe('3 hr. ago');
    expect(rel(at(2026, 5, 11, 23, 50))).toBe('yesterday');
    expect(rel(at(2026, 5, 9, 8, 0))).toBe('3 days ago');
  });

  it('counts hours only within today, and calendar days before it', () => {
    expect(rel(at(2026, 5, 12, 0, 10))).toBe('15 hr. ago');
    expect(rel(at(2026, 5, 11, 16, 0))).toBe('yesterday'); // less than 24 h, but yesterday
  });

  it('is the date from a week on, with the year only when it is another', () => {
    expect(rel(at(2026, 5, 5, 9, 0))).toBe('Jun 5');
    expect(rel(at(2025, 11, 24, 9, 0))).toBe('Dec 24, 2025');
    expect(rel(ago(-10 * 86_400_000))).toBe('Jun 22'); // far in the future: no "in 10 days"
  });

  it('follows the locale', () => {
    expect(formatRelativeTime(ago(5 * 60_000), now, 'de')).toBe('vor 5 Min.');
    expect(formatRelativeTime(at(2026, 5, 5, 9, 0), now, 'de')).toBe('5. Juni');
  });

  it('is empty for a date it cannot read', () => {
    expect(rel('not a date')).toBe('');
    expect(formatFullDate('not a date')).toBe('');
  });
});

describe('formatFullDate', () => {
  it('names the weekday, the date and the time', () => {
    expect(formatFullDate(at(2026, 5, 5, 17, 10), 'en-US')).toBe('Friday, June 5, 2026 at 5:10 PM');
  });
});

describe('formatBytes', () => {
  it('uses one decimal below 10 of a unit', () => {
    expect([formatBytes(900), formatBytes(1536), formatBytes(20 * 1024 * 1024)]).toEqual(['900 B', '1.5 KB', '20 MB']);
  });
});
