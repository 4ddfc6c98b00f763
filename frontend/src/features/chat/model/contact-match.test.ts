import type { ContactDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { matchContacts, parseRecipients } from './contact-match';

const c = (address: string, name: string, lastMessageAt: string, local = false): ContactDto => ({ address, name, local, lastMessageAt, lastThread: null });
const people = [
  c('jane.doe@example.com', 'Jane Doe', '2026-11-01T00:00:00Z', true),
  c('bob@example.com', 'Bob Janesson', '2026-11-20T00:00:00Z'),
  c('ajanet@other.org', '', '2026-11-21T00:00:00Z'),
  c('carl@example.com', 'Carl', '2026-10-01T00:00:00Z'),
];

describe('matchContacts', () => {
  it('prefix of the address or name first, then a word, then anywhere; recency breaks ties', () => {
    expect(matchContacts(people, 'jan').map((x) => x.address)).toEqual(['jane.doe@example.com', 'bob@example.com', 'ajanet@other.org']);
  });

  it('everyone, most recent first, for an empty query; at most the limit', () => {
    expect(matchContacts(people, '', 2).map((x) => x.address)).toEqual(['ajanet@other.org', 'bob@example.com']);
  });

  it('no match, no suggestion', () => {
    expect(matchContacts(people, 'zz')).toEqual([]);
  });
});

describe('parseRecipients', () => {
  it('takes bare and named addresses once, and names what is not an address', () => {
    expect(parseRecipients('a@x.org, Bob <b@y.org>; A@X.org, nope')).toEqual({ valid: ['a@x.org', 'b@y.org'], invalid: ['nope'] });
  });
});
