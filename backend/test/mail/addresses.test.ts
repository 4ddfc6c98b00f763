// Envelope address parsing: plain local@domain only; every relay trick is null.
import { describe, expect, it } from 'vitest';
import { normalizeEmail, parseMailbox } from '../../src/mail/addresses.js';

describe('parseMailbox', () => {
  it('accepts plain addresses, lower-cased, with or without angle brackets', () => {
    expect(parseMailbox('Bob@Example.TEST')).toEqual({ address: 'bob@example.test', local: 'bob', domain: 'example.test' });
    expect(parseMailbox('<bob.smith+tag@mail.example.test>')).toEqual({
      address: 'bob.smith+tag@mail.example.test', local: 'bob.smith+tag', domain: 'mail.example.test',
    });
    expect(normalizeEmail(" o'brien@example.test ")).toBe("o'brien@example.test");
  });

  it.each([
    ['percent hack', 'u%ext.test@example.test'],
    ['quoted local part hiding an address', '"u@ext.test"@example.test'],
    ['source route', '<@example.test:u@ext.test>'],
    ['source route without brackets', '@example.test:u@ext.test'],
    ['two at signs', 'u@ext.test@example.test'],
    ['address literal', 'u@[127.0.0.1]'],
    ['IPv6 literal', 'u@[IPv6:::1]'],
    ['trailing dot in the domain', 'u@example.test.'],
    ['bang path', 'ext.test!u@example.test'],
    ['empty local part', '@example.test'],
    ['empty domain', 'u@'],
    ['no at sign', 'example.test'],
    ['leading dot', '.u@example.test'],
    ['double dot', 'u..v@example.test'],
    ['space', 'u v@example.test'],
    ['CRLF injection', 'u@example.test\r\nRCPT TO:<x@ext.test>'],
    ['empty', ''],
    ['null sender', '<>'],
  ])('returns null for %s: %j', (_what, input) => {
    expect(parseMailbox(input)).toBeNull();
    expect(normalizeEmail(input)).toBeNull();
  });
});
