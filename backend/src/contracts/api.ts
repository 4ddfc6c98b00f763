// Types shared with the frontend (import type only). Shapes follow ../shared/CONTRACT.md.

export type FolderKind = 'inbox' | 'sent' | 'drafts' | 'trash' | 'spam' | 'archive' | 'custom';

export interface AddressDto {
  address: string;
  name: string;
}

export interface UserDto {
  id: number;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  createdAt: string;
}

export interface AuthResponse {
  token: string;
  user: UserDto;
}

export interface FolderDto {
  id: number;
  name: string;
  kind: FolderKind;
  unreadCount: number;
  totalCount: number;
}

export interface MessageSummaryDto {
  id: number;
  threadId: number;
  folderId: number;
  fromEmail: string;
  fromName: string;
  subject: string;
  snippet: string;
  isRead: boolean;
  isStarred: boolean;
  hasAttachments: boolean;
  sentAt: string;
  createdAt: string;
}

export interface AttachmentDto {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  sha256: string;
}

export interface MessageDto extends MessageSummaryDto {
  messageId: string | null;
  inReplyTo: string | null;
  to: AddressDto[];
  cc: AddressDto[];
  bodyText: string;
  bodyHtml: string;
  sizeBytes: number;
  attachments: AttachmentDto[];
  /** extensions beyond the contract */
  /** the parts of bodyText that are quoted text or a signature, not the new words (always sent by this server) */
  quotedRanges?: QuotedRangeDto[];
  /** on the sender's own copy of a message they sent: each recipient's latest delivery status */
  recipients?: RecipientStatusDto[];
}

export type QuotedKind = 'quote' | 'signature';

/** A range of bodyText, in UTF-16 code units (JavaScript string offsets), end exclusive. */
export interface QuotedRangeDto {
  start: number;
  end: number;
  kind: QuotedKind;
}

/** CONTRACT.md "Chat": delivered (stored for a local recipient), queued, relayed, failed or read. */
export type DeliveryStatus = 'delivered' | 'queued' | 'relayed' | 'failed' | 'read';

export interface RecipientStatusDto {
  address: string;
  name: string;
  status: DeliveryStatus;
  at: string;
  /** why it failed (the relay's last answer), when status is failed */
  reason?: string;
}

export interface PresenceDto {
  address: string;
  online: boolean;
  /** null while online, or when never seen since the server started */
  lastSeenAt: string | null;
}

export interface PresenceResponse { presence: PresenceDto[] }

/** Someone the user has mailed with (either way), for autocomplete and the people list. */
export interface ContactDto {
  address: string;
  name: string;
  /** a user of this server (who may show presence) */
  local: boolean;
  lastMessageAt: string;
  /** the newest conversation with them: its thread id and the folder it is in */
  lastThread: { id: number; folderId: number } | null;
}

export interface ContactsResponse { contacts: ContactDto[] }

/** Per-user read-receipt choices (RFC 8098). Both are off until the user turns them on. */
export interface ChatSettingsDto {
  /** ask outside recipients for a read receipt (Disposition-Notification-To) */
  requestReadReceipts: boolean;
  /** answer other people's read-receipt requests when their mail is read */
  sendReadReceipts: boolean;
}

export interface ThreadSummaryDto {
  id: number;
  subject: string;
  messageCount: number;
  unreadCount: number;
  lastMessageAt: string;
  snippet: string;
  participants: AddressDto[];
  /** extensions beyond the contract, for list rendering */
  /** the To addresses of the thread's messages (Sent rows name them); absent from live-event rows */
  recipients?: AddressDto[];
  hasAttachments: boolean;
  isStarred: boolean;
}

export interface ThreadDto {
  id: number;
  subject: string;
  messageCount: number;
  unreadCount: number;
  lastMessageAt: string;
  participants: AddressDto[];
}

export interface FolderListResponse { folders: FolderDto[] }
export interface MessageListResponse { messages: MessageSummaryDto[]; nextCursor: string | null }
export interface ThreadListResponse { threads: ThreadSummaryDto[]; nextCursor: string | null }
export interface ThreadDetailResponse { thread: ThreadDto; messages: MessageDto[] }
export interface MessageResponse { message: MessageDto }
/** Each field as safe HTML: the text escaped, the words that matched inside <mark>. */
export interface SearchHighlightDto {
  subject: string;
  from: string;
  /** a window of the body around its first match */
  snippet: string;
  /** the attachment names that match */
  attachments: string[];
}
export interface SearchResultDto extends MessageSummaryDto { highlight: SearchHighlightDto }
export interface SearchResponse { messages: SearchResultDto[]; nextCursor: string | null }

export interface UpdateMessageRequest {
  isRead?: boolean;
  isStarred?: boolean;
  folderId?: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
