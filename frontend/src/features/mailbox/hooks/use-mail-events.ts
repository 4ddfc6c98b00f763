// Subscribes to the user's mail events for as long as the socket lives. The
// handlers object may change every render; we keep one stable listener per
// event and remove exactly that one on cleanup (STYLE.md practice 7).
import type { EmailDeletedEvent, EmailUpdatedEvent, NewEmailEvent } from '@contracts/events';
import { useEffect, useRef } from 'react';
import type { MailSocket } from '../../../lib/socket';

export interface MailEventHandlers {
  onNewEmail: (event: NewEmailEvent) => void;
  onEmailUpdated: (event: EmailUpdatedEvent) => void;
  onEmailDeleted: (event: EmailDeletedEvent) => void;
  /** custom folders were created, renamed or deleted (here, in another tab, or by an IMAP client) */
  onFoldersChanged: () => void;
}

export function useMailEvents(socket: MailSocket | null, handlers: MailEventHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!socket) return;
    const onNew = (e: NewEmailEvent) => latest.current.onNewEmail(e);
    const onUpdated = (e: EmailUpdatedEvent) => latest.current.onEmailUpdated(e);
    const onDeleted = (e: EmailDeletedEvent) => latest.current.onEmailDeleted(e);
    const onFolders = () => latest.current.onFoldersChanged();
    socket.on('new_email', onNew);
    socket.on('email_updated', onUpdated);
    socket.on('email_deleted', onDeleted);
    socket.on('folders_changed', onFolders);
    return () => {
      socket.off('new_email', onNew);
      socket.off('email_updated', onUpdated);
      socket.off('email_deleted', onDeleted);
      socket.off('folders_changed', onFolders);
    };
  }, [socket]);
}
