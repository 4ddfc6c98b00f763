// Shown only while the live connection is down, so users know the list may be stale.
import type { SocketStatus } from '../lib/socket';

export function ConnectionIndicator({ status }: { status: SocketStatus }) {
  if (status === 'connected') return null;
  const text = status === 'connecting' ? 'Connecting…' : 'Offline: reconnecting…';
  return (
    <div className={`connection-indicator connection-${status}`} role="status" data-testid="connection-indicator">
      {text}
    </div>
  );
}
