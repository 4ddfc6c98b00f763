// ingestMessage: the inbound story. Parse once, put the bytes in the blob
// store, commit one copy per local recipient in one transaction, then tell
// the owners. Nothing is acknowledged before the commit; on any failure
// nothing half-written stays behind and the caller gets a temporary failure.
import { prepareMessage } from '../mail/prepare-message.js';
import type { ParsedMessage } from '../mail/parsed-message.js';
import { snippetOf } from '../mail/snippet.js';
import { buildReceivedHeader, type TraceInfo } from '../mail/received-header.js';
import { tempFail } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';
import type { IngestWriter } from '../storage/ingest-writer.js';
import type { NewMessageCopy, StoredCopy } from '../storage/message-store.js';
import type { MessageRepo } from '../storage/message-repo.js';
import type { MessageRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';
import type { LocalRecipient } from './recipients.js';

/** One stored copy: whose, in which folder, and why. */
export interface DeliveryTarget {
  recipient: LocalRecipient;
  /** default: the recipient's Inbox */
  folderId?: number;
  /** 'sent' is the sender's own copy: stored read, announced as sent */
  source?: 'inbound' | 'sent';
}

export interface IngestInput {
  /** DATA bytes after dot-unstuffing, CRLF line ends */
  raw: Buffer;
  targets: DeliveryTarget[];
  trace: TraceInfo;
  /** external recipients, queued for the relay in the same transaction */
  outbound?: { userId: number; mailFrom: string; recipients: string[] } | null;
}

export interface IngestResult {
  copies: StoredCopy[];
  outboundId: number | null;
}

export interface IngestDeps {
  writer: IngestWriter;
  blobs: BlobStore;
  messages: MessageRepo;
  events: EventBus;
  log: Logger;
}

export async function ingestMessage(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const receivedAt = new Date();
  // The raw bytes go to disk while the parser runs: the fsyncs are the slow part.
  const rawPut = deps.blobs.put(input.raw);
  rawPut.catch(() => undefined);
  const { parsed, safeHtml: bodyHtml } = await prepareMessage(input.raw);
  const targets = uniqueTargets(input.targets);
  const { stored: blobs, rawSha256 } = await storeBlobs(deps.blobs, rawPut, parsed);
  const release = once(() => blobs.all.forEach((sha) => deps.blobs.unpin(sha)));
  const drafts = targets.map((t) => copyFor(t, parsed, bodyHtml, input, rawSha256, blobs.attachmentShas, receivedAt));
  const outbound = input.outbound ? { ...input.outbound, rawSha256, sizeBytes: input.raw.length } : null;
  let committed: IngestResult;
  try {
    committed = await deps.writer.store({ copies: drafts, outbound });
  } catch (err) {
    release();
    await discardBlobs(deps, blobs.created);
    deps.log.error({ err }, 'storing a message failed');
    throw tempFail('store_failed', 'Could not store the message, try again later');
  } finally {
    release();
  }
  const committedAt = process.hrtime.bigint();
  committed.copies.forEach((copy, i) => {
    deps.events.publish('message.stored', { message: toRecord(copy, drafts[i]!), source: targets[i]!.source ?? 'inbound', committedAt });
  });
  return committed;
}

interface BlobSet {
  all: string[];
  created: string[];
  attachmentShas: string[];
}

async function storeBlobs(
  blobs: BlobStore, rawPut: Promise<StoredBlob>, parsed: ParsedMessage,
): Promise<{ stored: BlobSet; rawSha256: string }> {
  const results = await Promise.allSettled([rawPut, ...parsed.attachments.map((a) => blobs.put(a.content))]);
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stored: BlobSet = {
    all: ok.map((b) => b.sha256),
    created: ok.filter((b) => b.created).map((b) => b.sha256),
    attachmentShas: ok.slice(1).map((b) => b.sha256),
  };
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    for (const sha of stored.all) blobs.unpin(sha);
    await Promise.all(stored.created.map((sha) => blobs.remove(sha).catch(() => undefined)));
    throw tempFail('store_failed', `Could not store the message: ${(failure as PromiseRejectedResult).reason}`);
  }
  return { stored, rawSha256: ok[0]!.sha256 };
}

/** Removes blobs this ingest created, unless another write relies on them now. */
async function discardBlobs(deps: IngestDeps, created: string[]): Promise<void> {
  for (const sha of created) {
    try {
      if (!deps.blobs.isPinned(sha) && !(await deps.messages.blobReferenced(sha))) await deps.blobs.remove(sha);
    } catch (err) {
      deps.log.warn({ err, sha }, 'could not remove an orphan blob');
    }
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

function copyFor(
  t: DeliveryTarget, parsed: ParsedMessage, bodyHtml: string, input: IngestInput, rawSha256: string,
  attachmentShas: string[], receivedAt: Date,
): NewMessageCopy {
  const r = t.recipient;
  const receivedHeader = buildReceivedHeader(input.trace, r.email, receivedAt);
  return {
    userId: r.userId,
    folderId: t.folderId ?? r.inboxFolderId,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    fromEmail: parsed.from.address,
    fromName: parsed.from.name,
    to: parsed.to,
    cc: parsed.cc,
    subject: parsed.subject,
    snippet: snippetOf(parsed.text),
    bodyText: parsed.text,
    bodyHtml,
    isRead: t.source === 'sent',
    sentAt: parsed.date ?? receivedAt,
    createdAt: receivedAt,
    receivedHeader,
    rawSha256,
    sizeBytes: Buffer.byteLength(receivedHeader) + input.raw.length,
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.content.length,
      contentId: a.contentId,
      sha256: attachmentShas[i]!,
    })),
  };
}

function toRecord(copy: StoredCopy, draft: NewMessageCopy): MessageRecord {
  const { attachments, ...fields } = draft;
  return {
    ...fields,
    id: copy.id,
    threadId: copy.threadId,
    isStarred: false,
    hasAttachments: attachments.length > 0,
    attachments: copy.attachments,
  };
}

/** The same user named twice gets one copy per folder (a note to self: Inbox and Sent). */
function uniqueTargets(targets: DeliveryTarget[]): DeliveryTarget[] {
  const seen = new Map<string, DeliveryTarget>();
  for (const t of targets) {
    const key = `${t.recipient.userId}/${t.folderId ?? t.recipient.inboxFolderId}`;
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()];
}
