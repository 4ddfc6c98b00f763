// A green dot for online, grey for offline; nothing for people without presence (outside addresses).
import type { PresenceDto } from '@contracts/api';

export function PresenceDot({ presence }: { presence: PresenceDto | undefined }) {
  if (!presence) return null;
  return (
    <span
      className={`presence-dot ${presence.online ? 'is-online' : 'is-offline'}`}
      data-testid="presence-dot"
      data-online={presence.online}
      role="img"
      aria-label={presence.online ? 'online' : 'offline'}
    />
  );
}
