// Initials on a stable colour (lib/avatar.ts); decorative, so hidden from
// screen readers: the name is always written next to it.
import { colourFor, initialsFor } from '../lib/avatar';

export function Avatar({ name, address, size = 32 }: { name: string; address: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      data-testid="avatar"
      style={{ width: size, height: size, fontSize: Math.round(size * 0.4), backgroundColor: colourFor(address) }}
    >
      {initialsFor(name, address)}
    </span>
  );
}
