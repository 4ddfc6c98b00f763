// Socket.IO events sent to a user's room. Shapes follow ../shared/CONTRACT.md.
import type { AddressDto, DeliveryStatus, QuotedRangeDto } from './api.js';

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
    /** as on MessageDto (always sent by this server) */
    quotedRanges?: QuotedRangeDto[];
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

/** Another local user with a copy of the conversation is typing in it; threadId is the receiver's own. */
export interface TypingEvent {
  threadId: number;
  from: AddressDto;
}

/** A local user one shares a conversation with came online or went offline (all their sockets closed). */
export interface PresenceEvent {
  address: string;
  online: boolean;
  lastSeenAt: string | null;
}

/** A recipient read a message the user sent; ids are the sender's own copy's. Sent once per reader. */
export interface MessageReadEvent {
  messageId: number;
  threadId: number;
  reader: AddressDto;
  readAt: string;
}

/** How far a message the user sent has got, per recipient; ids are the sender's own copy's. */
export interface DeliveryStatusEvent {
  messageId: number;
  threadId: number;
  recipient: string;
  status: DeliveryStatus;
  at: string;
  /** extension: the relay's answer when status is failed */
  reason?: string;
}

/** The user's custom folders changed (created, renamed or deleted over HTTP or IMAP): refetch the list. */
export type FoldersChangedEvent = Record<string, never>;

export interface ServerToClientEvents {
  new_email: (event: NewEmailEvent) => void;
  email_updated: (event: EmailUpdatedEvent) => void;
  email_deleted: (event: EmailDeletedEvent) => void;
  folders_changed: (event: FoldersChangedEvent) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  message_read: (event: MessageReadEvent) => void;
  delivery_status: (event: DeliveryStatusEvent) => void;
}

/** The client's own thread id: the user is typing in that conversation. */
export interface TypingRequest {
  threadId: number;
}

export interface ClientToServerEvents {
  typing: (request: TypingRequest) => void;
}
