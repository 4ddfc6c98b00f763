// "online" / "last seen 5 min. ago" under a person's name.
import type { PresenceDto } from '@contracts/api';
import { formatRelativeTime } from '../../../lib/format';

export function presenceText(p: PresenceDto | undefined, now: Date, locale?: string): string {
  if (!p) return '';
  if (p.online) return 'online';
  if (!p.lastSeenAt) return 'offline';
  return `last seen ${formatRelativeTime(p.lastSeenAt, now, locale)}`;
}
