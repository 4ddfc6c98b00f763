// A delivery as every engine writes it: the core's drafts with their blobs
// named, and what the commit gives back. Engine-neutral, so the SQLite and
// PostgreSQL engines insert the same rows and answer with the same records.
import type { CopyDraft } from './mail-store.js';
import type { AttachmentRecord, MessageRecord } from './records.js';

export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  sha256: string;
}

/** A copy as it is inserted: the core's draft with its blobs named. */
export interface NewMessageCopy extends CopyDraft {
  rawSha256: string;
  attachments: NewAttachment[];
}

/** A message waiting for the relay, stored in the same transaction as its copies. */
export interface NewOutbound {
  userId: number;
  mailFrom: string;
  recipients: string[];
  rawSha256: string;
  sizeBytes: number;
}

export interface StoredCopy {
  id: number;
  userId: number;
  threadId: number;
  folderId: number;
  attachments: AttachmentRecord[];
}

// Field by field rather than a rest spread of the copy: this runs for every
// stored copy, and V8 copies a rest object property by property in its runtime.
// (quotaBytes, mailbox and queueWebhook only instruct the commit; they are not part of the message.)
export function toMessageRecord(stored: StoredCopy, d: NewMessageCopy): MessageRecord {
  const attachments: AttachmentRecord[] = stored.attachments;
  return {
    id: stored.id, userId: d.userId, threadId: stored.threadId, folderId: d.folderId,
    messageId: d.messageId, inReplyTo: d.inReplyTo, references: d.references,
    fromEmail: d.fromEmail, fromName: d.fromName, to: d.to, cc: d.cc, subject: d.subject, snippet: d.snippet,
    bodyText: d.bodyText, untrustedHtml: d.untrustedHtml, isRead: d.isRead, isStarred: false,
    hasAttachments: d.attachments.length > 0, sentAt: d.sentAt, createdAt: d.createdAt,
    receivedHeader: d.receivedHeader, rawSha256: d.rawSha256, sizeBytes: d.sizeBytes, attachments,
  };
}

/** RFC 5322 3.6.4: the parent first, then the newest reference; each id once. */
export function threadCandidates(c: Pick<CopyDraft, 'inReplyTo' | 'references'>): string[] {
  return [...new Set([c.inReplyTo, ...[...c.references].reverse()].filter((x): x is string => !!x))];
}
