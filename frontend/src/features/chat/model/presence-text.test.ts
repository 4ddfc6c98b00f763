import { describe, expect, it } from 'vitest';
import { presenceText } from './presence-text';

describe('presenceText', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it('says online, last seen, or offline', () => {
    expect(presenceText({ address: 'a@x', online: true, lastSeenAt: null }, now)).toBe('online');
    expect(presenceText({ address: 'a@x', online: false, lastSeenAt: '2026-11-21T11:55:00Z' }, now, 'en')).toBe('last seen 5 min. ago');
    expect(presenceText({ address: 'a@x', online: false, lastSeenAt: null }, now)).toBe('offline');
    expect(presenceText(undefined, now)).toBe('');
  });
});
