// ingestMessage: the inbound story. Parse once (while the content scanners,
// when on, read the same bytes), build one copy per local recipient, hand
// them to the store with the bytes, then tell the owners.
// Nothing is acknowledged before the store's commit; on any failure nothing
// half-written stays behind and the caller gets a temporary failure.
// The HTML body is stored as it came and sanitised when served (presenters.ts):
// a fix to the sanitiser then protects every stored message too.
import type { Config } from '../config/config.js';
import type { MessageParser } from '../mail/parse-pool/parse-pool.js';
import type { ParsedMessage } from '../mail/parsed-message.js';
import { buildReceivedHeader, type TraceInfo } from '../mail/received-header.js';
import { messageSearchText } from '../mail/search/message-search-text.js';
import { snippetOf } from '../mail/snippet.js';
import { tempFail, tooLarge } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { isQuotaExceeded, type CopyDraft, type MailStore } from '../storage/mail-store.js';
import type { MessageRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';
import type { PipelineWatch } from './pipeline-watch.js';
import type { LocalRecipient } from './recipients.js';
import { webhookWanted } from './webhooks.js';

/** One stored copy: whose, in which folder, and why. */
export interface DeliveryTarget {
  recipient: LocalRecipient;
  /** default: the recipient's Inbox */
  folderId?: number;
  /**
   * 'sent' is the sender's own copy: stored read, announced as sent; 'import'
   * came from a mailbox file: stored with `flags`, no webhook
   */
  source?: 'inbound' | 'sent' | 'import';
  /** read and starred as the mailbox file said (imports) */
  flags?: { read: boolean; starred: boolean };
}

export interface IngestInput {
  /**
   * DATA bytes after dot-unstuffing, CRLF line ends. Ingest owns them: the
   * store may move a big message's buffer to its writing thread and leave it empty.
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
  /**
   * Content scanning (inbound-screening.ts), run while the message is parsed:
   * it may refuse the message, or give the bytes and targets to store instead.
   */
  screen?: (raw: Buffer) => Promise<{ raw: Buffer; targets: DeliveryTarget[] }>;
  /**
   * A message from a mailbox file (mbox, maildir): it got its trace header
   * when it first arrived, so none is added (an export then gives back the
   * same bytes), and it arrived when the file says.
   */
  imported?: { receivedAt: Date | null };
}

export interface IngestResult {
  /** the stored copies, in the order of the (de-duplicated) targets */
  messages: MessageRecord[];
  outboundId: number | null;
}

export interface IngestDeps {
  /** whether copies queue a message.received webhook in their commit */
  config: Pick<Config, 'webhooks'>;
  store: Pick<MailStore, 'openDelivery'>;
  /** parses off the main thread, with a deadline */
  parser: MessageParser;
  events: EventBus;
  log: Logger;
  /** deliveries in progress, for /health */
  pipeline: PipelineWatch;
}

export function ingestMessage(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  return deps.pipeline.track(() => ingest(deps, input));
}

async function ingest(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const receivedAt = input.imported?.receivedAt ?? new Date();
  // The parser gets its own copy of the bytes, so the scanners read them meanwhile.
  const parsing = deps.parser.parse(input.raw);
  // Screening may refuse the message, or hand back the bytes to store (spam: X-Spam-* on top) and other folders.
  const { raw, targets: wanted } = input.screen ? await input.screen(input.raw) : input;
  const rawBytes = raw.length;
  const targets = uniqueTargets(wanted);
  // The store may start writing the bytes while the parser runs.
  const delivery = deps.store.openDelivery(raw);
  let stored: IngestResult;
  try {
    const parsed = await parsing;
    const announce = webhookWanted(deps.config, 'message.received');
    const copies = targets.map((t) => copyFor(t, parsed, input, rawBytes, receivedAt, announce));
    stored = await delivery.commit({ copies, attachments: parsed.attachments, outbound: input.outbound ?? null, searchText: searchTextFor(parsed, input) });
  } catch (err) {
    await delivery.abandon().catch((e: unknown) => deps.log.warn({ err: e }, 'could not drop the blobs of a failed delivery'));
    if (isQuotaExceeded(err)) throw tooLarge('quota_exceeded', (err as Error).message);
    deps.log.error({ err }, 'storing a message failed');
    throw tempFail('store_failed', 'Could not store the message, try again later');
  }
  const committedAt = process.hrtime.bigint();
  stored.messages.forEach((message, i) => {
    deps.events.publish('message.stored', { message, source: targets[i]!.source ?? 'inbound', committedAt });
  });
  return stored;
}

function copyFor(
  t: DeliveryTarget, parsed: ParsedMessage, input: IngestInput, rawBytes: number, receivedAt: Date, announce: boolean,
): CopyDraft {
  const r = t.recipient;
  const receivedHeader = input.imported ? '' : buildReceivedHeader(input.trace, r.email, receivedAt);
  return {
    userId: r.userId,
    folderId: t.folderId ?? r.inboxFolderId,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    // Mail without a From header (a bare note, curl's upload) shows who the envelope says sent it.
    fromEmail: parsed.from.address || input.trace.mailFrom || '',
    fromName: parsed.from.name,
    to: parsed.to,
    cc: parsed.cc,
    subject: parsed.subject,
    snippet: snippetOf(parsed.text),
    bodyText: parsed.text,
    untrustedHtml: parsed.html ?? '',
    isRead: t.flags?.read ?? t.source === 'sent',
    isStarred: t.flags?.starred ?? false,
    sentAt: parsed.date ?? receivedAt,
    createdAt: receivedAt,
    receivedHeader,
    sizeBytes: Buffer.byteLength(receivedHeader) + rawBytes,
    quotaBytes: input.enforceQuota && t.source !== 'sent' ? r.quotaBytes : null,
    mailbox: r.email,
    queueWebhook: announce && (t.source ?? 'inbound') === 'inbound',
  };
}

/** The parse thread's, unless the parse fell back to the headers or the sender is the envelope's. */
function searchTextFor(parsed: ParsedMessage, input: IngestInput) {
  if (parsed.searchText && parsed.from.address) return parsed.searchText;
  return messageSearchText(parsed, input.trace.mailFrom ?? '');
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
