// Socket.IO events sent to a user's room. Shapes follow ../shared/CONTRACT.md.

export interface NewEmailEvent {
  folderId: number;
  email: {
    id: number;
    threadId: number;
    fromEmail: string;
    fromName: string;
    subject: string;
    bodyText: string;
    bodyHtml: string;
    isRead: boolean;
    sentAt: string;
    createdAt: string;
    /** extensions beyond the contract */
    folderId: number;
    snippet: string;
    hasAttachments: boolean;
    isStarred: boolean;
  };
}

/** A message's flags or folder changed (from any tab or client). */
export interface EmailUpdatedEvent {
  id: number;
  threadId: number;
  folderId: number;
  previousFolderId: number;
  isRead: boolean;
  isStarred: boolean;
}

/** A message was deleted for good. */
export interface EmailDeletedEvent {
  id: number;
  threadId: number;
  folderId: number;
}

export interface ServerToClientEvents {
  new_email: (event: NewEmailEvent) => void;
  email_updated: (event: EmailUpdatedEvent) => void;
  email_deleted: (event: EmailDeletedEvent) => void;
}
