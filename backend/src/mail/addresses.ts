// Envelope address checks. ChitBox only ever delivers to plain
// local-part@domain addresses: anything else is a relay trick or garbage.

export interface Mailbox {
  /** lower-cased local@domain */
  address: string;
  local: string;
  domain: string;
}

// RFC 5321 4.1.2 dot-atom local part; no quoted strings, no % or ! routing.
const LOCAL = /^[a-z0-9!#$&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$&'*+/=?^_`{|}~-]+)*$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** Returns the mailbox, or null for source routes, literals, quoted or odd forms. */
export function parseMailbox(input: string): Mailbox | null {
  const value = input.trim().replace(/^<(.*)>$/, '$1');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (!LOCAL.test(local) || /[%!]/.test(local) || !DOMAIN.test(domain)) return null;
  return { address: `${local.toLowerCase()}@${domain}`, local: local.toLowerCase(), domain };
}

/**
 * A username: what may stand before the @ of an address (so every local
 * part is one), lower-cased, at most 64 characters; null when it is not one.
 */
export function normalizeUsername(input: string): string | null {
  const value = input.trim().toLowerCase();
  return value.length <= 64 && LOCAL.test(value) && !/[%!]/.test(value) ? value : null;
}

/** A domain name as local domains are kept (lower-cased, no trailing dot), or null. */
export function normalizeDomain(input: string): string | null {
  const value = input.trim().toLowerCase().replace(/\.$/, '');
  return DOMAIN.test(value) ? value : null;
}

export function normalizeEmail(input: string): string | null {
  return parseMailbox(input)?.address ?? null;
}
