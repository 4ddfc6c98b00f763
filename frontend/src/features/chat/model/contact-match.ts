// Autocomplete for "New chat": people one has mailed with, best match first.
// A word of the name or the address starting with what was typed beats a
// match inside one; ties go to whom one wrote with most recently.
import type { ContactDto } from '@contracts/api';

export function matchContacts(contacts: readonly ContactDto[], query: string, limit = 8): ContactDto[] {
  const q = query.trim().toLowerCase();
  const scored = contacts
    .map((c) => ({ c, score: q === '' ? 1 : scoreOf(c, q) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || b.c.lastMessageAt.localeCompare(a.c.lastMessageAt));
  return scored.slice(0, limit).map((x) => x.c);
}

function scoreOf(c: ContactDto, q: string): number {
  const address = c.address.toLowerCase();
  const name = c.name.toLowerCase();
  if (address === q) return 4;
  if (address.startsWith(q) || name.startsWith(q)) return 3;
  if (name.split(/\s+/).some((w) => w.startsWith(q)) || address.split(/[@._+-]/).some((w) => w.startsWith(q))) return 2;
  return address.includes(q) || name.includes(q) ? 1 : 0;
}

const SIMPLE_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The addresses in what was typed ("a@x.org, Bob <b@y.org>"), and what is not one. */
export function parseRecipients(input: string): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const part of input.split(/[,;\n]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const address = (/<([^<>]+)>\s*$/.exec(trimmed)?.[1] ?? trimmed).trim();
    if (!SIMPLE_ADDRESS.test(address)) invalid.push(trimmed);
    else if (!valid.some((v) => v.toLowerCase() === address.toLowerCase())) valid.push(address);
  }
  return { valid, invalid };
}
