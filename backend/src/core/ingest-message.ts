// ingestMessage: the inbound story. Parse once, put the bytes in the blob
// store, commit one copy per local recipient in one transaction, then tell
// the owners. Nothing is acknowledged before the commit; on any failure
// nothing half-written stays behind and the caller gets a temporary failure.
// The HTML body is stored as it came and sanitised when served (presenters.ts):
// a fix to the sanitiser then protects every stored message too.
import type { MessageParser } from '../mail/parse-pool/parse-pool.js';
import type { ParsedMessage } from '../mail/parsed-message.js';
import { snippetOf } from '../mail/snippet.js';
import { buildReceivedHeader, type TraceInfo } from '../mail/received-header.js';
import { tempFail, tooLarge } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { BlobStore, SmallBlobRow } from '../storage/blob-store.js';
import type { Database } from '../storage/database.js';
import type { NewMessageCopy, StoredCopy } from '../storage/message-store.js';
import type { MessageRecord } from '../storage/records.js';
import type { Config } from '../config/config.js';
import type { EventBus } from './event-bus.js';
import type { PipelineWatch } from './pipeline-watch.js';
import { webhookWanted } from './webhooks.js';
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
  /**
   * DATA bytes after dot-unstuffing, CRLF line ends. Ingest owns them: a big
   * message's buffer is moved to the writing thread and left empty.
   */
  raw: Buffer;
  targets: DeliveryTarget[];
  trace: TraceInfo;
  /**
   * Refuse the whole message (552 5.2.2) when a recipient's copy does not fit
   * its quota, checked inside the commit. Mail over SMTP; not a bounce or a
   * sender's own Sent copy.
   */
  enforceQuota?: boolean;
  /** external recipients, queued for the relay in the same transaction */
  outbound?: { userId: number; mailFrom: string; recipients: string[] } | null;
}

export interface IngestResult {
  copies: StoredCopy[];
  outboundId: number | null;
}

export interface IngestDeps {
  /** whether copies queue a message.received webhook in their commit */
  config: Pick<Config, 'webhooks'>;
  /** commits each delivery in one transaction (batched with others arriving meanwhile) */
  db: Pick<Database, 'commitDelivery'>;
  blobs: BlobStore;
  events: EventBus;
  log: Logger;
  /** parses off the main thread, with a deadline */
  parser: MessageParser;
  /** deliveries in progress, for /health */
  pipeline: PipelineWatch;
}

export function ingestMessage(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  return deps.pipeline.track(() => ingest(deps, input));
}

async function ingest(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const receivedAt = new Date();
  const rawBytes = input.raw.length;
  const parsing = deps.parser.parse(input.raw);
  const blobs = await storeBlobs(deps, input.raw, parsing);
  const parsed = await parsing;
  const targets = uniqueTargets(input.targets);
  const announce = webhookWanted(deps.config, 'message.received');
  const drafts = targets.map((t) => copyFor(t, parsed, input, rawBytes, blobs, receivedAt, announce));
  const outbound = input.outbound ? { ...input.outbound, rawSha256: blobs.rawSha256, sizeBytes: rawBytes } : null;
  let committed: IngestResult;
  try {
    committed = await deps.db.commitDelivery({ copies: drafts, outbound, pinned: blobs.pinned, smallBlobs: blobs.small });
  } catch (err) {
    await discard(deps, blobs);
    if ((err as { code?: unknown }).code === 'quota_exceeded') throw tooLarge('quota_exceeded', (err as Error).message);
    deps.log.error({ err }, 'storing a message failed');
    throw tempFail('store_failed', 'Could not store the message, try again later');
  }
  const committedAt = process.hrtime.bigint();
  committed.copies.forEach((copy, i) => {
    deps.events.publish('message.stored', { message: toRecord(copy, drafts[i]!), source: targets[i]!.source ?? 'inbound', committedAt });
  });
  return committed;
}

interface BlobSet {
  rawSha256: string;
  attachmentShas: string[];
  attachmentSizes: number[];
  /** the files' hashes, pinned until the commit */
  pinned: string[];
  /** the hashes whose files this delivery created */
  created: string[];
  /** the small blobs, stored by the commit itself */
  small: SmallBlobRow[];
}

// From this size on, raw bytes are moved to the writing thread after parsing
// rather than copied to it during: twenty 1 MB messages in flight held 30 MB
// of copies.
const MOVE_RAW_FROM_BYTES = 256 * 1024;

/**
 * The raw bytes and each attachment: files durably in the blob store before
 * any row names them, small blobs ready to go into the commit. Raw bytes
 * below MOVE_RAW_FROM_BYTES go to the store while the parser runs: a file's
 * syncs are the slow part of a delivery, and the parser yields to the event
 * loop often.
 */
async function storeBlobs(deps: IngestDeps, raw: Buffer, parsing: Promise<ParsedMessage>): Promise<BlobSet> {
  const attachments = (p: ParsedMessage) => p.attachments.map((a) => ({ bytes: a.content, sha256: a.sha256 }));
  const puts = await Promise.allSettled(
    raw.length >= MOVE_RAW_FROM_BYTES
      ? [parsing.then((p) => deps.blobs.put([raw, ...attachments(p)], true))]
      : [deps.blobs.put([raw]), parsing.then((p) => (p.attachments.length > 0 ? deps.blobs.put(attachments(p), true) : []))],
  );
  const stored = puts.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  const blobs: BlobSet = {
    rawSha256: stored[0]?.sha256 ?? '',
    attachmentShas: stored.slice(1).map((b) => b.sha256),
    attachmentSizes: stored.slice(1).map((b) => b.size),
    pinned: stored.filter((b) => !b.small).map((b) => b.sha256),
    created: stored.filter((b) => b.created).map((b) => b.sha256),
    small: stored.flatMap((b) => (b.small ? [b.small] : [])),
  };
  const failed = puts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Each put is all or nothing; what the other one stored goes again.
    await discard(deps, blobs);
    const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    throw tempFail('store_failed', `Could not store the message: ${reason}`);
  }
  return blobs;
}

async function discard(deps: IngestDeps, blobs: BlobSet): Promise<void> {
  if (blobs.pinned.length === 0) return;
  await deps.blobs.discard(blobs.pinned, blobs.created).catch((err: unknown) => deps.log.warn({ err }, 'could not discard blobs'));
}

function copyFor(
  t: DeliveryTarget, parsed: ParsedMessage, input: IngestInput, rawBytes: number, blobs: BlobSet, receivedAt: Date,
  announce: boolean,
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
    untrustedHtml: parsed.html ?? '',
    isRead: t.source === 'sent',
    sentAt: parsed.date ?? receivedAt,
    createdAt: receivedAt,
    receivedHeader,
    rawSha256: blobs.rawSha256,
    sizeBytes: Buffer.byteLength(receivedHeader) + rawBytes,
    quotaBytes: input.enforceQuota && t.source !== 'sent' ? r.quotaBytes : null,
    mailbox: r.email,
    queueWebhook: announce && (t.source ?? 'inbound') === 'inbound',
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: blobs.attachmentSizes[i]!,
      contentId: a.contentId,
      sha256: blobs.attachmentShas[i]!,
    })),
  };
}

// Field by field rather than a rest spread of the draft: this runs for every
// stored copy, and V8 copies a rest object property by property in its runtime.
// (quotaBytes, mailbox and queueWebhook only instruct the commit; they are not part of the message.)
function toRecord(copy: StoredCopy, d: NewMessageCopy): MessageRecord {
  return {
    id: copy.id, userId: d.userId, threadId: copy.threadId, folderId: d.folderId,
    messageId: d.messageId, inReplyTo: d.inReplyTo, references: d.references,
    fromEmail: d.fromEmail, fromName: d.fromName, to: d.to, cc: d.cc, subject: d.subject, snippet: d.snippet,
    bodyText: d.bodyText, untrustedHtml: d.untrustedHtml, isRead: d.isRead, isStarred: false,
    hasAttachments: d.attachments.length > 0, sentAt: d.sentAt, createdAt: d.createdAt,
    receivedHeader: d.receivedHeader, rawSha256: d.rawSha256, sizeBytes: d.sizeBytes, attachments: copy.attachments,
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
