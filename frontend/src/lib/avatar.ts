// Avatars without pictures: initials on a colour that is the same for an
// address everywhere and every time (a hash of the address, not its position).

/** "Ann Lee" → "AL"; "bob.smith@x" → "BS"; "x@y" → "X". */
export function initialsFor(name: string, address: string): string {
  const words = (name.trim() || address.split('@')[0] || '')
    .split(/[\s._\-+]+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words.slice(0, 1);
  return letters.map((w) => Array.from(w)[0]!.toLocaleUpperCase()).join('') || '?';
}

/** A hue from the lower-cased address (FNV-1a), dark enough for white initials. */
export function colourFor(address: string): string {
  let hash = 0x811c9dc5;
  for (const ch of address.trim().toLowerCase()) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `hsl(${hash % 360} 50% 40%)`;
}
