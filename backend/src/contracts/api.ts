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
export interface SearchResponse { messages: MessageSummaryDto[] }

export interface UpdateMessageRequest {
  isRead?: boolean;
  isStarred?: boolean;
  folderId?: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
