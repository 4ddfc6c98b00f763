// A date in the inbox's one style: relative, the full date on hover.
import { formatFullDate, formatRelativeTime } from '../lib/format';
import { useMinuteClock } from '../lib/minute-clock';

export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useMinuteClock();
  return (
    <time className={className} dateTime={iso} title={formatFullDate(iso)}>
      {formatRelativeTime(iso, new Date(now))}
    </time>
  );
}
