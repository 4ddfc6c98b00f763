import type { FolderKind, ThreadSummaryDto } from '@contracts/api';
import { memo } from 'react';
import { Avatar } from '../../../components/avatar';
import { Icon } from '../../../components/icons';
import { RelativeTime } from '../../../components/relative-time';
import { rowPeople } from '../model/thread-people';

interface Props {
  /** the row's place in the whole list (it is one of the few rendered) */
  index: number;
  /** how many rows the list has; -1 while more pages may follow */
  setSize: number;
  /** the row's offset in the list, px */
  top: number;
  /** the virtualiser's measuring ref */
  measure: (el: HTMLLIElement | null) => void;
  thread: ThreadSummaryDto;
  folderKind: FolderKind | undefined;
  myAddress: string;
  isSelected: boolean;
  isOpen: boolean;
  onOpen: (thread: ThreadSummaryDto) => void;
  onToggleStar: (thread: ThreadSummaryDto) => void;
}

export const ThreadRow = memo(function ThreadRow(props: Props) {
  const { index, setSize, top, measure, thread, folderKind, myAddress, isSelected, isOpen, onOpen, onToggleStar } = props;
  const unread = thread.unreadCount > 0;
  const people = rowPeople(thread, myAddress, folderKind);
  return (
    <li
      role="option"
      ref={measure}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${top}px)` }}
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
            {people.draft && <span className="thread-draft">Draft </span>}
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
