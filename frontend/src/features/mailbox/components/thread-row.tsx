import type { FolderKind, ThreadSummaryDto } from '@contracts/api';
import { memo } from 'react';
import { Avatar } from '../../../components/avatar';
import { Icon } from '../../../components/icons';
import { RelativeTime } from '../../../components/relative-time';
import { rowPeople } from '../model/thread-people';

interface Props {
  thread: ThreadSummaryDto;
  folderKind: FolderKind | undefined;
  myAddress: string;
  isSelected: boolean;
  isOpen: boolean;
  onOpen: (thread: ThreadSummaryDto) => void;
  onToggleStar: (thread: ThreadSummaryDto) => void;
}

export const ThreadRow = memo(function ThreadRow({ thread, folderKind, myAddress, isSelected, isOpen, onOpen, onToggleStar }: Props) {
  const unread = thread.unreadCount > 0;
  const people = rowPeople(thread, myAddress, folderKind);
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
      <Avatar name={people.avatar.name} address={people.avatar.address} size={36} />
      <div className="thread-main">
        <div className="thread-top">
          <span className="thread-senders">
            {people.label}
            {thread.messageCount > 1 && <span className="thread-count"> {thread.messageCount}</span>}
          </span>
          {thread.hasAttachments && (
            <span className="thread-clip" title="Has attachments">
              <Icon name="clip" label="Has attachments" size={14} />
            </span>
          )}
          <RelativeTime className="thread-time" iso={thread.lastMessageAt} />
        </div>
        <div className="thread-subject">{thread.subject || '(no subject)'}</div>
        <div className="thread-snippet">{thread.snippet}</div>
      </div>
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
    </li>
  );
});
