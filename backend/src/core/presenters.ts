// Records -> contract DTOs (../shared/CONTRACT.md). Shared by HTTP and realtime.
import { createHash } from 'node:crypto';
import type {
  AttachmentDto, FolderDto, MessageDto, MessageSummaryDto, RecipientStatusDto, SearchResultDto, ThreadSummaryDto, UserDto,
} from '../contracts/api.js';
import type { NewEmailEvent } from '../contracts/events.js';
import { foldsFor } from '../mail/quoted-text.js';
import { resolveCidLinks } from '../mail/sanitize-html.js';
import type {
  AttachmentRecord, FolderWithCounts, MessageRecord, MessageSummaryRecord, ThreadSummaryRecord, UserRecord,
} from '../storage/records.js';
import type { ReadableMessage } from './read-message.js';
import type { SearchResultRecord } from './search-messages.js';

export const attachmentUrl = (id: number): string => `/api/attachments/${id}`;

export function presentUser(u: UserRecord): UserDto {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() };
}

export function presentFolder(f: FolderWithCounts): FolderDto {
  return { id: f.id, name: f.name, kind: f.kind, unreadCount: f.unreadCount, totalCount: f.totalCount };
}

export function presentSummary(m: MessageSummaryRecord): MessageSummaryDto {
  return {
    id: m.id, threadId: m.threadId, folderId: m.folderId, fromEmail: m.fromEmail, fromName: m.fromName,
    subject: m.subject, snippet: m.snippet, isRead: m.isRead, isStarred: m.isStarred,
    hasAttachments: m.hasAttachments, sentAt: m.sentAt.toISOString(), createdAt: m.createdAt.toISOString(),
  };
}

export function presentSearchResult(m: SearchResultRecord): SearchResultDto {
  return { ...presentSummary(m), highlight: m.highlight };
}

export function presentAttachment(a: AttachmentRecord): AttachmentDto {
  return { id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, contentId: a.contentId, sha256: a.sha256 };
}

/** A message with its HTML sanitised (core.mailbox.servable, off the main thread): the only kind presented. */
export type ServableMessage = MessageRecord & { safeHtml: string };

/** The HTML body as served: sanitised, with cid: links pointed at attachment URLs. */
export function servedHtml(m: Pick<ServableMessage, 'safeHtml' | 'attachments'>): string {
  const safe = m.safeHtml;
  if (!safe.includes('cid:') || m.attachments.length === 0) return safe;
  const byCid = new Map(m.attachments.filter((a) => a.contentId).map((a) => [a.contentId!.toLowerCase(), a.id]));
  return resolveCidLinks(safe, (cid) => {
    const id = byCid.get(cid.toLowerCase());
    return id === undefined ? undefined : attachmentUrl(id);
  });
}

/** `recipients`: the delivery statuses, when this is the user's copy of a message they sent. */
export function presentMessage(m: ServableMessage, recipients?: RecipientStatusDto[]): MessageDto {
  return {
    ...presentSummary(m),
    messageId: m.messageId, inReplyTo: m.inReplyTo, to: m.to, cc: m.cc,
    bodyText: m.bodyText, bodyHtml: servedHtml(m), sizeBytes: m.sizeBytes,
    attachments: m.attachments.map(presentAttachment),
    quotedRanges: foldsFor(m.rawSha256, m.bodyText),
    ...(recipients ? { recipients } : {}),
  };
}

/** A DTO as UTF-8 JSON in pieces (big parts made once and shared), with a digest of those bytes. */
export interface JsonPieces {
  pieces: Buffer[];
  bytes: number;
  /** sha1 of the bytes' parts, base64: changes whenever the bytes do */
  digest: string;
}

/**
 * Exactly the bytes of `JSON.stringify(presentMessage(m, recipients))`,
 * without stringifying the bodies again: JSON.stringify of an object is its
 * members' texts in order, so the members before and after the bodies are
 * stringified here and the bodies' ready-made text goes between them.
 */
export function presentMessageJson(m: ReadableMessage, recipients?: RecipientStatusDto[]): JsonPieces {
  const before = {
    ...presentSummary(m), messageId: m.messageId, inReplyTo: m.inReplyTo, to: m.to, cc: m.cc,
  } satisfies Omit<MessageDto, 'bodyText' | 'bodyHtml' | 'sizeBytes' | 'attachments' | 'quotedRanges' | 'recipients'>;
  const after = {
    sizeBytes: m.sizeBytes, attachments: m.attachments.map(presentAttachment), quotedRanges: m.bodies.quotedRanges,
    ...(recipients ? { recipients } : {}),
  } satisfies Pick<MessageDto, 'sizeBytes' | 'attachments' | 'quotedRanges' | 'recipients'>;
  const head = Buffer.from(`${JSON.stringify(before).slice(0, -1)},"bodyText":`);
  const middle = Buffer.from(',"bodyHtml":');
  const tail = Buffer.from(`,${JSON.stringify(after).slice(1)}`);
  const digest = createHash('sha1').update(head).update(m.bodies.digest).update(tail).digest('base64');
  return {
    pieces: [head, ...m.bodies.text, middle, ...m.bodies.html, tail],
    bytes: head.length + middle.length + tail.length + m.bodies.bytes,
    digest,
  };
}

export function presentThreadSummary(t: ThreadSummaryRecord): ThreadSummaryDto {
  return { ...t, lastMessageAt: t.lastMessageAt.toISOString() };
}

export function presentNewEmail(m: ServableMessage): NewEmailEvent {
  return {
    folderId: m.folderId,
    email: {
      id: m.id, threadId: m.threadId, fromEmail: m.fromEmail, fromName: m.fromName, subject: m.subject,
      bodyText: m.bodyText, bodyHtml: servedHtml(m), isRead: m.isRead,
      sentAt: m.sentAt.toISOString(), createdAt: m.createdAt.toISOString(),
      folderId: m.folderId, snippet: m.snippet, hasAttachments: m.hasAttachments, isStarred: m.isStarred,
      quotedRanges: foldsFor(m.rawSha256, m.bodyText),
    },
  };
}
