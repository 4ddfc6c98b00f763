// Writing messages: copies of many concurrent deliveries are inserted in one
// transaction with a handful of statements (group commit). Prisma compiles
// each query, so the cost is per statement, not per row: batching is what
// keeps the durable store close to the speed of parsing alone.
import type { Tx } from './database.js';
import type { AddressRecord, AttachmentRecord } from './records.js';

export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  sha256: string;
}

export interface NewMessageCopy {
  userId: number;
  folderId: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  fromEmail: string;
  fromName: string;
  to: AddressRecord[];
  cc: AddressRecord[];
  subject: string;
  snippet: string;
  bodyText: string;
  bodyHtml: string;
  isRead: boolean;
  sentAt: Date;
  createdAt: Date;
  receivedHeader: string;
  rawSha256: string;
  sizeBytes: number;
  attachments: NewAttachment[];
}

export interface StoredCopy {
  id: number;
  userId: number;
  threadId: number;
  folderId: number;
  attachments: AttachmentRecord[];
}

/** Inserts copies in order; each lands in the thread it replies to, or a new one. */
export async function insertMessageCopies(tx: Tx, copies: NewMessageCopy[]): Promise<StoredCopy[]> {
  const threadIds = await assignThreads(tx, copies);
  const rows = await tx.mailMessage.createManyAndReturn({
    data: copies.map(({ attachments, to, cc, references, ...fields }, i) => ({
      ...fields,
      threadId: threadIds[i]!,
      toJson: JSON.stringify(to),
      ccJson: JSON.stringify(cc),
      references: JSON.stringify(references),
      hasAttachments: attachments.length > 0,
    })),
    select: { id: true },
  });
  // One multi-row INSERT assigns increasing ids in VALUES order.
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  const attachments = await insertAttachments(tx, copies, ids);
  await addUsage(tx, copies);
  return copies.map((c, i) => ({
    id: ids[i]!,
    userId: c.userId,
    threadId: threadIds[i]!,
    folderId: c.folderId,
    attachments: attachments.filter((a) => a.messageId === ids[i]),
  }));
}

// RFC 5322 3.6.4: References lists the thread's ids oldest first, In-Reply-To
// the parent. Any of them known for this user puts the copy in that thread.
async function assignThreads(tx: Tx, copies: NewMessageCopy[]): Promise<number[]> {
  const refsOf = copies.map((c) => [...new Set([c.inReplyTo, ...c.references].filter((x): x is string => !!x))]);
  const known = await findKnownThreads(tx, copies, refsOf);
  // A copy's thread: an existing one, an earlier copy's in this batch, or new.
  const plan: Array<{ existing: number } | { sameAs: number } | { create: true }> = copies.map((c, i) => {
    for (const ref of refsOf[i]!) {
      const existing = known.get(`${c.userId} ${ref}`);
      if (existing !== undefined) return { existing };
      const earlier = copies.findIndex((o, j) => j < i && o.userId === c.userId && o.messageId === ref);
      if (earlier >= 0) return { sameAs: earlier };
    }
    return { create: true };
  });
  const toCreate = copies.filter((_, i) => 'create' in plan[i]!);
  const created = toCreate.length
    ? (
        await tx.mailThread.createManyAndReturn({
          data: toCreate.map((c) => ({ userId: c.userId, subject: c.subject, lastMessageAt: c.createdAt, createdAt: c.createdAt })),
          select: { id: true },
        })
      ).map((t) => t.id).sort((a, b) => a - b)
    : [];
  const out: number[] = [];
  let next = 0;
  plan.forEach((p, i) => {
    out[i] = 'existing' in p ? p.existing : 'sameAs' in p ? out[p.sameAs]! : created[next++]!;
  });
  const reused = [...new Set(plan.flatMap((p) => ('existing' in p ? [p.existing] : [])))];
  if (reused.length) {
    await tx.mailThread.updateMany({ where: { id: { in: reused } }, data: { lastMessageAt: copies[copies.length - 1]!.createdAt } });
  }
  return out;
}

async function findKnownThreads(tx: Tx, copies: NewMessageCopy[], refsOf: string[][]): Promise<Map<string, number>> {
  const refs = [...new Set(refsOf.flat())];
  if (refs.length === 0) return new Map();
  const rows = await tx.mailMessage.findMany({
    where: { messageId: { in: refs }, userId: { in: [...new Set(copies.map((c) => c.userId))] } },
    select: { userId: true, messageId: true, threadId: true },
    orderBy: { id: 'asc' },
  });
  // Later rows win: the newest copy of a message id decides its thread.
  return new Map(rows.map((r) => [`${r.userId} ${r.messageId}`, r.threadId]));
}

async function insertAttachments(tx: Tx, copies: NewMessageCopy[], ids: number[]): Promise<AttachmentRecord[]> {
  const data = copies.flatMap((c, i) => c.attachments.map((a) => ({ ...a, messageId: ids[i]!, userId: c.userId })));
  if (data.length === 0) return [];
  const rows = await tx.attachment.createManyAndReturn({
    data,
    select: { id: true, messageId: true, filename: true, contentType: true, size: true, contentId: true, sha256: true },
  });
  return rows.sort((a, b) => a.id - b.id);
}

// Quota usage stays current in the same transaction as the rows it counts.
async function addUsage(tx: Tx, copies: NewMessageCopy[]): Promise<void> {
  const byUser = new Map<number, number>();
  for (const c of copies) byUser.set(c.userId, (byUser.get(c.userId) ?? 0) + c.sizeBytes);
  for (const [userId, bytes] of byUser) {
    await tx.user.update({ where: { id: userId }, data: { usedBytes: { increment: bytes } } });
  }
}
