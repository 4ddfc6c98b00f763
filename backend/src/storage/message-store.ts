// Writing messages: one copy per recipient, threaded, in the caller's transaction.
import type { Tx } from './database.js';
import type { AddressRecord } from './records.js';

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
}

/** Inserts one copy, attaching it to the thread it replies to or a new one. */
export async function insertMessageCopy(tx: Tx, copy: NewMessageCopy): Promise<StoredCopy> {
  const threadId = await assignThread(tx, copy);
  const { attachments, to, cc, references, ...fields } = copy;
  const row = await tx.mailMessage.create({
    data: {
      ...fields,
      threadId,
      toJson: JSON.stringify(to),
      ccJson: JSON.stringify(cc),
      references: JSON.stringify(references),
      hasAttachments: attachments.length > 0,
    },
    select: { id: true },
  });
  if (attachments.length > 0) {
    await tx.attachment.createMany({
      data: attachments.map((a) => ({ ...a, messageId: row.id, userId: copy.userId })),
    });
  }
  // Quota usage stays current in the same transaction as the row it counts.
  await tx.user.update({ where: { id: copy.userId }, data: { usedBytes: { increment: copy.sizeBytes } } });
  return { id: row.id, userId: copy.userId, threadId, folderId: copy.folderId };
}

// RFC 5322 3.6.4: References lists the thread's ids oldest first, In-Reply-To
// the parent. Any of them known for this user puts the copy in that thread.
async function assignThread(tx: Tx, copy: NewMessageCopy): Promise<number> {
  const ids = [...new Set([copy.inReplyTo, ...copy.references].filter((x): x is string => !!x))];
  if (ids.length > 0) {
    const parent = await tx.mailMessage.findFirst({
      where: { userId: copy.userId, messageId: { in: ids } },
      select: { threadId: true },
      orderBy: { id: 'desc' },
    });
    if (parent) {
      await tx.mailThread.update({ where: { id: parent.threadId }, data: { lastMessageAt: copy.createdAt } });
      return parent.threadId;
    }
  }
  const thread = await tx.mailThread.create({
    data: { userId: copy.userId, subject: copy.subject, lastMessageAt: copy.createdAt, createdAt: copy.createdAt },
    select: { id: true },
  });
  return thread.id;
}
