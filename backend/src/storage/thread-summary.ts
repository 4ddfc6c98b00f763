// A thread as one folder lists it, computed from its messages there. Engines
// keep one row per (folder, thread) in the same transaction as every change
// to those messages; this module is the one definition of what the row holds,
// used for a new message (addToSummary) and for a recount (summarize).
import type { AddressRecord, ThreadSummaryRecord } from './records.js';

/** At most this many senders (and To addresses) are kept per summary. */
export const MAX_PEOPLE = 20;

/** What a summary needs of one message. */
export interface SummarySource {
  id: number;
  userId: number;
  folderId: number;
  threadId: number;
  fromEmail: string;
  fromName: string;
  /** JSON array of {address, name} */
  toJson: string;
  subject: string;
  snippet: string;
  isRead: boolean;
  isStarred: boolean;
  hasAttachments: boolean;
  createdAt: Date;
}

/** The stored row (thread_summaries). */
export interface SummaryRow {
  folderId: number;
  threadId: number;
  userId: number;
  subject: string;
  lastMessageAt: Date;
  lastMessageId: number;
  messageCount: number;
  unreadCount: number;
  starredCount: number;
  attachmentCount: number;
  snippet: string;
  /** JSON arrays of {address, name} */
  participants: string;
  recipients: string;
}

/**
 * The summary of a thread's messages in one folder; null when there are none.
 * `threadSubject` is the thread's own subject (the first message's).
 */
export function summarize(threadSubject: string, messages: readonly SummarySource[]): SummaryRow | null {
  const byId = [...messages].sort((a, b) => a.id - b.id);
  let row: SummaryRow | null = null;
  for (const m of byId) row = addToSummary(row, threadSubject, m);
  return row;
}

/**
 * The summary with one more message, newer by id than every one it counts.
 * People are kept in the order their first message arrived, so adding in id
 * order gives the same row as summarize().
 */
export function addToSummary(row: SummaryRow | null, threadSubject: string, m: SummarySource): SummaryRow {
  const newest = !row || isNewer(m, row);
  const last = newest ? m : null;
  return {
    folderId: m.folderId,
    threadId: m.threadId,
    userId: m.userId,
    subject: threadSubject || (last ? last.subject : row!.subject),
    lastMessageAt: last ? last.createdAt : row!.lastMessageAt,
    lastMessageId: last ? last.id : row!.lastMessageId,
    messageCount: (row?.messageCount ?? 0) + 1,
    unreadCount: (row?.unreadCount ?? 0) + (m.isRead ? 0 : 1),
    starredCount: (row?.starredCount ?? 0) + (m.isStarred ? 1 : 0),
    attachmentCount: (row?.attachmentCount ?? 0) + (m.hasAttachments ? 1 : 0),
    snippet: last ? last.snippet : row!.snippet,
    participants: withPeople(row?.participants, [{ address: m.fromEmail, name: m.fromName }]),
    recipients: withPeople(row?.recipients, parseAddresses(m.toJson)),
  };
}

/** The record the thread list serves. */
export function toThreadRecord(row: SummaryRow): ThreadSummaryRecord {
  return {
    id: row.threadId,
    subject: row.subject,
    messageCount: row.messageCount,
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt,
    snippet: row.snippet,
    participants: parseAddresses(row.participants),
    recipients: parseAddresses(row.recipients),
    hasAttachments: row.attachmentCount > 0,
    isStarred: row.starredCount > 0,
  };
}

/** The key a list of threads is ordered by: newest last message first. */
function isNewer(m: SummarySource, row: SummaryRow): boolean {
  const t = m.createdAt.getTime();
  const last = row.lastMessageAt.getTime();
  return t > last || (t === last && m.id > row.lastMessageId);
}

function withPeople(json: string | undefined, add: AddressRecord[]): string {
  const people = json ? parseAddresses(json) : [];
  const before = people.length;
  const seen = new Set(people.map((p) => p.address.toLowerCase()));
  for (const p of add) {
    if (people.length >= MAX_PEOPLE) break;
    const key = p.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    people.push({ address: p.address, name: p.name });
  }
  return json !== undefined && people.length === before ? json : JSON.stringify(people);
}

function parseAddresses(json: string): AddressRecord[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as AddressRecord[]).filter((a) => a && typeof a.address === 'string') : [];
  } catch {
    return [];
  }
}

/** How a folder's counters move when one of its summaries goes from `before` to `after`. */
export function countsDelta(before: SummaryRow | null, after: SummaryRow | null): { total: number; unread: number } {
  return {
    total: (after?.messageCount ?? 0) - (before?.messageCount ?? 0),
    unread: (after?.unreadCount ?? 0) - (before?.unreadCount ?? 0),
  };
}

/** One folder's view of one thread: the unit a summary is kept for. */
export interface SummaryKey {
  threadId: number;
  folderId: number;
}

/** Each (thread, folder) once. */
export function distinctKeys(keys: Iterable<SummaryKey>): SummaryKey[] {
  const seen = new Map<string, SummaryKey>();
  for (const k of keys) seen.set(`${k.folderId}:${k.threadId}`, { threadId: k.threadId, folderId: k.folderId });
  return [...seen.values()];
}
