// The tab title carries the Inbox's unread count, and is plain again when the inbox goes.
import { useEffect } from 'react';

export function titleFor(inboxUnread: number): string {
  return inboxUnread > 0 ? `(${inboxUnread}) Inbox · ChitBox` : 'ChitBox';
}

export function useDocumentTitle(inboxUnread: number): void {
  useEffect(() => {
    document.title = titleFor(inboxUnread);
  }, [inboxUnread]);
  useEffect(() => () => void (document.title = 'ChitBox'), []);
}
