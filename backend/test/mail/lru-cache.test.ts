// LruCache: bounded by total weight, evicting the least recently used first.
import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/mail/lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entries once the weight is exceeded', () => {
    const cache = new LruCache<string, string>(10, (v) => v.length);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa'); // a is now the most recent
    cache.set('c', 'cccc'); // 12 > 10: b goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.get('c')).toBe('cccc');
    expect(cache.size).toBe(2);
  });

  it('never keeps a value heavier than the whole cache, and replaces values in place', () => {
    const cache = new LruCache<string, string>(5, (v) => v.length);
    cache.set('big', 'xxxxxxxx');
    expect(cache.get('big')).toBeUndefined();
    cache.set('k', 'abc');
    cache.set('k', 'de');
    cache.set('m', 'fgh');
    expect(cache.get('k')).toBe('de');
    expect(cache.get('m')).toBe('fgh');
  });
});
