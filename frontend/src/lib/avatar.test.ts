import { describe, expect, it } from 'vitest';
import { colourFor, initialsFor } from './avatar';

describe('avatar', () => {
  it('takes the first and last initials of the name, else of the address', () => {
    expect(initialsFor('Ann Lee', 'ann@x.org')).toBe('AL');
    expect(initialsFor('Grace Brewster Murray Hopper', 'g@x.org')).toBe('GH');
    expect(initialsFor('', 'bob.smith@x.org')).toBe('BS');
    expect(initialsFor('  ', 'carol@x.org')).toBe('C');
    expect(initialsFor('"Dr. Émile Zola"', 'z@x.org')).toBe('DZ');
    expect(initialsFor('', '')).toBe('?');
  });

  it('gives an address the same colour whatever its case, and different addresses (mostly) different ones', () => {
    expect(colourFor('Ann@Example.com')).toBe(colourFor('ann@example.com'));
    expect(colourFor('ann@example.com')).toMatch(/^hsl\(\d{1,3} 50% 40%\)$/);
    const hues = new Set(['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org', 'e@x.org', 'f@x.org'].map(colourFor));
    expect(hues.size).toBeGreaterThanOrEqual(5);
  });
});
