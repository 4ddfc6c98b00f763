// What an IMAP session reads and changes: a folder's messages by UID, their
// flags and MODSEQs, and copies. Scoped by owner like every repository.
import type { Prisma } from '@prisma/client';
import { QuotaExceeded, type FlagChange, type ImapStore } from '../mail-store.js';
import type { ImapFlagsRecord, ImapFolderRecord, ImapMessageRecord, ImapMessageSource, UidMapping } from '../records.js';
import type { FolderKind } from '../../contracts/api.js';
import { idChunks, ID_CHUNK, uidFilter, uidRange } from './id-chunks.js';
import { claimUids, nextModseq } from './imap-counters.js';
import { refreshSummaries } from './summary-refresh.js';
import type { PrismaDatabase, Tx } from './prisma-database.js';

const MESSAGE_SELECT = {
  id: true, uid: true, modseq: true, isRead: true, isStarred: true, isAnswered: true, isDraft: true, isDeleted: true,
  keywords: true, sizeBytes: true, createdAt: true,
} as const;

type MessageRow = Prisma.MailMessageGetPayload<{ select: typeof MESSAGE_SELECT }>;

/** A listing's row as the engine reads it, keywords still the stored JSON. */
export type ImapListingRow = MessageRow;
export type ImapSourceRow = ImapListingRow & { rawSha256: string; receivedHeader: string };
/** UIDs from .. to, both included. */
export interface UidRange {
  from: number;
  to: number;
}
const EVERY_UID: UidRange = { from: 0, to: 2 ** 31 - 1 };

/**
 * A folder's UIDs, its messages' flags and where their bytes are, read by the
 * engine's own statements (sqlite-queries.ts, pg-queries.ts). A client
 * opening a folder of 10,000 messages asks for every one of them, and
 * Prisma's cost per row was most of the answer's time; a sync client then
 * fetches each body with a command of its own, and Prisma compiled each of
 * those queries anew. On SQLite the first two read mail_messages_imap_listing_idx
 * alone, not rows whose bodies run onto overflow pages before these columns.
 */
export interface ImapListingReads {
  /** ascending */
  uids(userId: number, folderId: number): Promise<number[]>;
  /** the messages with UIDs in the range and a MODSEQ above `changedSince`, ascending */
  listing(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapListingRow[]>;
  /** the same, with where their bytes are */
  sources(userId: number, folderId: number, uids: UidRange, changedSince: number): Promise<ImapSourceRow[]>;
}

type BooleanFlag = keyof Omit<ImapFlagsRecord, 'keywords'>;
const BOOLEAN_FLAGS: readonly BooleanFlag[] = ['isRead', 'isStarred', 'isAnswered', 'isDraft', 'isDeleted'];

/** An engine's own step in a COPY's transaction, given the copies' ids. */
export type CopiedHook = (tx: Tx, ids: number[]) => Promise<unknown>;

export class ImapRepo implements ImapStore {
  /** copied: SQLite names the copies for its search index there (search-index-repo.ts) */
  constructor(
    private readonly db: PrismaDatabase,
    private readonly reads: ImapListingReads,
    private readonly copied: CopiedHook = async () => undefined,
  ) {}

  async folder(userId: number, folderId: number): Promise<ImapFolderRecord | null> {
    const f = await this.db.read.folder.findFirst({ where: { id: folderId, userId } });
    if (!f) return null;
    return {
      id: f.id, userId: f.userId, name: f.name, kind: f.kind as FolderKind,
      uidValidity: f.id, uidNext: f.uidNext, highestModseq: f.highestModseq,
    };
  }

  uids(userId: number, folderId: number): Promise<number[]> {
    return this.reads.uids(userId, folderId);
  }

  async messages(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageRecord[]> {
    if (uids && uids.length === 0) return [];
    // MODSEQs start at 1: 0 is "changed since the beginning".
    const rows = await this.reads.listing(userId, folderId, uids ? uidRange(uids) : EVERY_UID, changedSince ?? 0);
    return onlyWanted(rows, uids, 0).map(toImapMessage);
  }

  async messageSources(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageSource[]> {
    if (uids && uids.length === 0) return [];
    const rows = await this.reads.sources(userId, folderId, uids ? uidRange(uids) : EVERY_UID, changedSince ?? 0);
    return onlyWanted(rows, uids, 0).map(toImapMessage);
  }

  async setFlags(
    userId: number, folderId: number, uids: readonly number[], change: FlagChange,
  ): Promise<{ changed: ImapMessageRecord[]; conflicts: number[] }> {
    return this.db.write(async (tx) => {
      const rows = onlyWanted(await tx.mailMessage.findMany({
        where: { userId, folderId, uid: uidFilter(uids) }, select: MESSAGE_SELECT, orderBy: { uid: 'asc' },
      }), uids).map(toImapMessage);
      const since = change.unchangedSince;
      const conflicts = since === undefined ? [] : rows.filter((r) => r.modseq > since).map((r) => r.uid);
      const updates = rows
        .filter((r) => since === undefined || r.modseq <= since)
        .map((r) => ({ before: r, after: applyFlags(r, change) }))
        .filter(({ before, after }) => !sameFlags(before, after));
      if (updates.length === 0) return { changed: [], conflicts };
      const modseq = await nextModseq(tx, folderId);
      await writeFlags(tx, updates.map((u) => u.after), modseq);
      await refreshThreadsOf(tx, updates.map((u) => u.after.id));
      return { changed: updates.map((u) => ({ ...u.after, modseq })), conflicts };
    });
  }

  async copy(
    userId: number, folderId: number, uids: readonly number[], toFolderId: number, quota: { bytes: number | null; mailbox: string },
  ): Promise<UidMapping[]> {
    return this.db.write(async (tx) => {
      const rows = onlyWanted(await tx.mailMessage.findMany({
        where: { userId, folderId, uid: uidFilter(uids) }, include: { attachments: true }, orderBy: { uid: 'asc' },
      }), uids);
      if (rows.length === 0) return [];
      const bytes = rows.reduce((sum, r) => sum + r.sizeBytes, 0);
      const user = await tx.user.update({ where: { id: userId }, data: { usedBytes: { increment: bytes } }, select: { usedBytes: true } });
      // Throwing rolls the usage back with the rest of the transaction.
      if (quota.bytes !== null && Number(user.usedBytes) > quota.bytes) throw new QuotaExceeded(quota.mailbox);
      const claimed = await claimUids(tx, userId, toFolderId, rows.length);
      if (!claimed) throw new Error(`folder ${toFolderId} is not user ${userId}'s`);
      const out: UidMapping[] = [];
      for (const [i, row] of rows.entries()) {
        const { id: _id, attachments, folderId: _from, uid, ...fields } = row;
        const copy = await tx.mailMessage.create({
          data: {
            ...fields, folderId: toFolderId, uid: claimed.firstUid + i, modseq: claimed.modseq,
            attachments: { create: attachments.map(({ id: _a, messageId: _m, ...a }) => a) },
          },
          select: { id: true },
        });
        out.push({ id: copy.id, sourceUid: uid, uid: claimed.firstUid + i });
      }
      await refreshThreadsOf(tx, out.map((m) => m.id));
      await this.copied(tx, out.map((m) => m.id));
      return out;
    });
  }
}

/** Thread lists and folder counters follow IMAP's changes, in the same transaction. */
async function refreshThreadsOf(tx: Tx, ids: number[]): Promise<void> {
  const keys: Array<{ threadId: number; folderId: number }> = [];
  for (const chunk of idChunks(ids)) keys.push(...(await tx.mailMessage.findMany({ where: { id: { in: chunk } }, select: { threadId: true, folderId: true } })));
  await refreshSummaries(tx, keys);
}

/** A range query may bring UIDs between the wanted ones (lists up to `inListUpTo` went as IN). */
function onlyWanted<T extends { uid: number }>(rows: T[], uids: readonly number[] | null, inListUpTo = ID_CHUNK): T[] {
  if (!uids || uids.length <= inListUpTo) return rows;
  const wanted = new Set(uids);
  return rows.filter((r) => wanted.has(r.uid));
}

function toImapMessage<T extends MessageRow>(r: T): Omit<T, 'keywords'> & { keywords: string[] } {
  return { ...r, keywords: parseKeywords(r.keywords) };
}

function parseKeywords(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** RFC 3501 6.4.6: FLAGS replaces, +FLAGS adds, -FLAGS removes; keywords compare case-insensitively (RFC 3501 2.3.2). */
export function applyFlags(message: ImapMessageRecord, change: FlagChange): ImapMessageRecord {
  const next = { ...message };
  for (const flag of BOOLEAN_FLAGS) {
    const named = change.flags[flag] === true;
    if (change.action === 'set') next[flag] = named;
    else if (named) next[flag] = change.action === 'add';
  }
  const has = (list: string[], k: string) => list.some((x) => x.toLowerCase() === k.toLowerCase());
  if (change.action === 'set') next.keywords = dedupe(change.keywords);
  else if (change.action === 'add') next.keywords = dedupe([...message.keywords, ...change.keywords]);
  else next.keywords = message.keywords.filter((k) => !has(change.keywords, k));
  return next;
}

function dedupe(keywords: string[]): string[] {
  const seen = new Set<string>();
  return keywords.filter((k) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
}

function sameFlags(a: ImapFlagsRecord, b: ImapFlagsRecord): boolean {
  return BOOLEAN_FLAGS.every((f) => a[f] === b[f]) && a.keywords.join('\n') === b.keywords.join('\n');
}

/** Messages that end with the same flags share one UPDATE (STORE 1:* +FLAGS (\Seen) is one statement). */
async function writeFlags(tx: Tx, messages: ImapMessageRecord[], modseq: number): Promise<void> {
  const groups = new Map<string, { data: Prisma.MailMessageUpdateManyMutationInput; ids: number[] }>();
  for (const m of messages) {
    const data = { isRead: m.isRead, isStarred: m.isStarred, isAnswered: m.isAnswered, isDraft: m.isDraft, isDeleted: m.isDeleted, keywords: JSON.stringify(m.keywords), modseq };
    const key = JSON.stringify(data);
    const group = groups.get(key) ?? { data, ids: [] as number[] };
    group.ids.push(m.id);
    groups.set(key, group);
  }
  for (const { data, ids } of groups.values()) {
    for (const chunk of idChunks(ids)) await tx.mailMessage.updateMany({ where: { id: { in: chunk } }, data });
  }
}
