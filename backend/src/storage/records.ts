// Plain objects returned by the repositories: no Prisma types leak out.
import type { FolderKind } from '../contracts/api.js';

export interface UserRecord {
  id: number;
  email: string;
  name: string | null;
  passwordHash: string;
  role: 'user' | 'admin';
  /** a disabled account cannot sign in or receive mail */
  enabled: boolean;
  /** moves on every password change: tokens issued for an older one are refused */
  tokenVersion: number;
  createdAt: Date;
}

/** What delivery needs to know about a recipient. */
export interface MailboxRecord {
  userId: number;
  email: string;
  inboxFolderId: number;
  enabled: boolean;
  /** null: the configured default */
  quotaMb: number | null;
  usedBytes: number;
}

export interface FolderRecord {
  id: number;
  userId: number;
  name: string;
  kind: FolderKind;
}

export interface FolderWithCounts extends FolderRecord {
  unreadCount: number;
  totalCount: number;
}

export interface AddressRecord {
  address: string;
  name: string;
}

export interface AttachmentRecord {
  id: number;
  messageId: number;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  sha256: string;
}

export interface MessageSummaryRecord {
  id: number;
  userId: number;
  threadId: number;
  folderId: number;
  fromEmail: string;
  fromName: string;
  subject: string;
  snippet: string;
  isRead: boolean;
  isStarred: boolean;
  hasAttachments: boolean;
  sentAt: Date;
  createdAt: Date;
}

/** What an export needs of a message: its raw bytes' names, flags and arrival. */
export interface ExportRecord {
  id: number;
  folderId: number;
  fromEmail: string;
  isRead: boolean;
  isStarred: boolean;
  createdAt: Date;
  receivedHeader: string;
  rawSha256: string;
}

/** A message without its two bodies: what a read needs every time (the bodies never change, and can be kept). */
export interface MessageMetaRecord extends MessageSummaryRecord {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  to: AddressRecord[];
  cc: AddressRecord[];
  sizeBytes: number;
  rawSha256: string;
  receivedHeader: string;
  attachments: AttachmentRecord[];
}

/** A message's bodies: multi-megabyte strings for a big mail, the same for as long as the message exists. */
export interface MessageBodiesRecord {
  bodyText: string;
  /** the HTML part as received: never served without sanitizeHtml */
  untrustedHtml: string;
}

export interface MessageRecord extends MessageMetaRecord, MessageBodiesRecord {}

export interface ThreadSummaryRecord {
  id: number;
  subject: string;
  messageCount: number;
  unreadCount: number;
  lastMessageAt: Date;
  snippet: string;
  participants: AddressRecord[];
  /** the To addresses of the thread's messages, for lists of mail one sent (Sent, Drafts) */
  recipients: AddressRecord[];
  hasAttachments: boolean;
  isStarred: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An account as an operator sees it. */
export interface AccountRecord {
  id: number;
  email: string;
  /** null for an account migrated while another had its local part */
  username: string | null;
  name: string | null;
  role: 'user' | 'admin';
  /** null: the configured default */
  quotaMb: number | null;
  usedBytes: number;
  enabled: boolean;
  createdAt: Date;
  /** the last successful sign-in over the API; null: never */
  lastLogin: Date | null;
}

/** What an account holds, for operators. */
export interface AccountStatistics {
  messages: number;
  unread: number;
  starred: number;
  /** in the Sent folder */
  sent: number;
  /** stored in the other folders */
  received: number;
  folders: number;
  threads: number;
}

export interface AccountChange {
  email?: string;
  name?: string | null;
  role?: 'user' | 'admin';
  quotaMb?: number | null;
  enabled?: boolean;
  passwordHash?: string;
}

export type OutboundStatus = 'pending' | 'sending' | 'retry' | 'sent' | 'failed';
/** states in which a queue row still needs its raw blob */
export const ACTIVE_OUTBOUND: readonly OutboundStatus[] = ['pending', 'sending', 'retry'];

/** A message waiting for (or done with) the relay. */
export interface OutboundRecord {
  id: number;
  userId: number;
  mailFrom: string;
  recipients: string[];
  rawSha256: string;
  sizeBytes: number;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

/** A queue row as operators see it: everything but the blob reference. */
export type QueueRow = Omit<OutboundRecord, 'rawSha256'>;

export interface WebhookRow {
  id: number;
  event: string;
  payload: string;
  attempts: number;
}

/** A copy, in another user's mailbox, of a message the asking user also holds. */
export interface SharedCopyRecord {
  userId: number;
  /** the other user's address */
  email: string;
  /** the other user's thread holding the copy (0 when not asked for) */
  threadId: number;
  /** the message's people: the same in every copy (the same bytes) */
  fromEmail: string;
  to: AddressRecord[];
  cc: AddressRecord[];
}

/** delivered (a local copy), queued, relayed, failed or read */
export type DeliveryStatusValue = 'delivered' | 'queued' | 'relayed' | 'failed' | 'read';

/** One recipient of a message a user sent, on the sender's own copy. */
export interface DeliveryStatusRecord {
  /** the sender's copy */
  messageId: number;
  threadId: number;
  /** the sender */
  userId: number;
  /** lower-cased */
  recipient: string;
  name: string;
  status: DeliveryStatusValue;
  at: Date;
  /** the relay's answer, when failed */
  reason: string | null;
}

/** A message of the user's, with its people, for the contact list. */
export interface CorrespondenceRecord {
  fromEmail: string;
  fromName: string;
  to: AddressRecord[];
  cc: AddressRecord[];
  createdAt: Date;
  threadId: number;
  folderId: number;
}

export interface ChatSettingsRecord {
  requestReadReceipts: boolean;
  sendReadReceipts: boolean;
}

/** A message's IMAP flags: \Seen is isRead and \Flagged isStarred, shared with the web. */
export interface ImapFlagsRecord {
  isRead: boolean;
  isStarred: boolean;
  isAnswered: boolean;
  isDraft: boolean;
  isDeleted: boolean;
  /** keywords such as $Forwarded, in the case the client gave */
  keywords: string[];
}

/** A message as an IMAP session lists it: its UID, MODSEQ, flags, size and date. */
export interface ImapMessageRecord extends ImapFlagsRecord {
  id: number;
  uid: number;
  modseq: number;
  /** the trace header plus the raw bytes */
  sizeBytes: number;
  /** INTERNALDATE: when the message was stored */
  createdAt: Date;
}

/** ... and where its bytes are, for what needs them (BODY[], ENVELOPE, a SEARCH of the text). */
export interface ImapMessageSource extends ImapMessageRecord {
  rawSha256: string;
  receivedHeader: string;
}

/** A folder's IMAP counters. */
export interface ImapFolderRecord extends FolderRecord {
  /** the folder's id: ids are never reused, so a folder made again under an old name gets a new one */
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
}

/** Where a message copied or moved by UID went. */
export interface UidMapping {
  id: number;
  sourceUid: number;
  uid: number;
}
