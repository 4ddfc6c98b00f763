import type { ThreadSummaryDto } from '@contracts/api';
import { memo } from 'react';
import { Icon } from '../../../components/icons';
import { formatListTime } from '../../../lib/format';

interface Props {
  thread: ThreadSummaryDto;
  isSelected: boolean;
  isOpen: boolean;
  onOpen: (thread: ThreadSummaryDto) => void;
  onToggleStar: (thread: ThreadSummaryDto) => void;
}

export const ThreadRow = memo(function ThreadRow({ thread, isSelected, isOpen, onOpen, onToggleStar }: Props) {
  const unread = thread.unreadCount > 0;
  return (
    <li
      role="option"
      aria-selected={isSelected}
      id={`thread-${thread.id}`}
      data-thread-id={thread.id}
      data-unread={unread}
      data-starred={thread.isStarred}
      className={`thread-row ${unread ? 'is-unread' : ''} ${isSelected ? 'is-selected' : ''} ${isOpen ? 'is-open' : ''}`}
      onClick={() => onOpen(thread)}
    >
      <button
        type="button"
        className={`star ${thread.isStarred ? 'is-starred' : ''}`}
        aria-pressed={thread.isStarred}
        aria-label={thread.isStarred ? 'Unstar' : 'Star'}
        onClick={(e) => {
          e.stopPropagation();
          onToggleStar(thread);
        }}
      >
        {thread.isStarred ? '★' : '☆'}
      </button>
      <div className="thread-main">
        <div className="thread-top">
          <span className="thread-senders">
            {senderLabel(thread)}
            {thread.messageCount > 1 && <span className="thread-count"> {thread.messageCount}</span>}
          </span>
          {thread.hasAttachments && (
            <span className="thread-clip" title="Has attachments">
              <Icon name="clip" label="Has attachments" size={14} />
            </span>
          )}
          <time className="thread-time" dateTime={thread.lastMessageAt}>
            {formatListTime(thread.lastMessageAt)}
          </time>
        </div>
        <div className="thread-subject">{thread.subject || '(no subject)'}</div>
        <div className="thread-snippet">{thread.snippet}</div>
      </div>
    </li>
  );
});

/** "Ann, Bob, Carl" by first names when there are several people, else the full name. */
export function senderLabel(thread: ThreadSummaryDto): string {
  const people = thread.participants;
  if (people.length === 0) return '(unknown)';
  if (people.length === 1) return people[0]!.name || people[0]!.address;
  const names = people.map((p) => (p.name ? p.name.split(/\s+/)[0]! : p.address.split('@')[0]!));
  return names.length > 3 ? `${names.slice(0, 2).join(', ')} … ${names[names.length - 1]}` : names.join(', ');
}
