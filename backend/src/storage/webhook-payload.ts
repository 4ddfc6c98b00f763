// The body of a webhook_outbox row, as receivers get it (docs/operations.md
// lists the events). Here in storage because message.received's row is
// written inside the message's own commit (message-store.ts), where its ids
// are first known. No message bodies, passwords or tokens ever go into one.

/** The JSON body POSTed for an event. */
export function webhookBody(event: string, data: Record<string, unknown>, at: Date): string {
  return JSON.stringify({ event, timestamp: at.toISOString(), data });
}

export interface ReceivedMessageFacts {
  id: number;
  userId: number;
  folderId: number;
  threadId: number;
  messageId: string | null;
  fromEmail: string;
  subject: string;
  sizeBytes: number;
  hasAttachments: boolean;
}

/** message.received: which message arrived and where, never its content. */
export function messageReceivedData(m: ReceivedMessageFacts): Record<string, unknown> {
  return {
    id: m.id, user_id: m.userId, folder_id: m.folderId, thread_id: m.threadId,
    message_id: m.messageId, from: m.fromEmail, subject: m.subject,
    size_bytes: m.sizeBytes, has_attachments: m.hasAttachments,
  };
}
