// Sending as a user: the same story for SMTP submission and the
// compose API. Local recipients get their copy through the inbound path, the
// sender gets the submitted bytes in Sent, external recipients wait in the
// outbound queue for the relay. Local recipients are never queued.
import { randomBytes, randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config/config.js';
import { parseMailbox } from '../mail/addresses.js';
import { composeMessage, type ComposeAddress, type ComposeAttachment } from '../mail/compose-message.js';
import type { TraceInfo } from '../mail/received-header.js';
import { invalid, tempFail, tooLarge } from '../shared/app-error.js';
import type { MailStore } from '../storage/mail-store.js';
import type { MessageRecord, UserRecord } from '../storage/records.js';
import { ingestMessage, type IngestDeps } from './ingest-message.js';
import { getMessage } from './mailbox.js';
import type { RecipientResolver } from './recipients.js';
import {
  checkHeaderSender, externalRecipient, isExternal, isLocal, type Recipient, type SenderIdentity,
} from './submission-policy.js';

export interface SendDeps extends IngestDeps {
  config: Config;
  store: Pick<MailStore, 'openDelivery' | 'folders' | 'messages' | 'blobs' | 'outbound' | 'chat'>;
  recipients: RecipientResolver;
}

export interface Submission {
  /** the message exactly as submitted (CRLF line ends) */
  raw: Buffer;
  sender: SenderIdentity;
  recipients: Recipient[];
  trace: TraceInfo;
  /** refuse it when a local recipient's mailbox is full (SMTP does; see IngestInput) */
  enforceQuota?: boolean;
}

export interface SubmissionResult {
  sent: MessageRecord;
  delivered: MessageRecord[];
  /** the outbound queue row, when there were external recipients */
  queuedId: number | null;
}

/** Local user, or (for a user who may relay) an external address; refusals are AppErrors. */
export async function resolveRecipientFor(deps: SendDeps, address: string, user: SenderIdentity | null): Promise<Recipient> {
  try {
    return await deps.recipients.resolveLocal(address);
  } catch (err) {
    return externalRecipient(address, err, user, deps.config.relay !== null);
  }
}

/**
 * One transaction stores the recipients' copies, the sender's Sent copy and
 * the outbound queue row: a submission is either wholly accepted or, with a
 * temporary failure, not at all (so a client's retry cannot duplicate copies).
 */
export async function submitMessage(deps: SendDeps, sub: Submission): Promise<SubmissionResult> {
  checkHeaderSender(sub.raw, sub.sender);
  const local = sub.recipients.filter(isLocal);
  const external = uniqueBy(sub.recipients.filter(isExternal).map((r) => r.email), (a) => a.toLowerCase());
  const [self, sentFolder] = await Promise.all([
    deps.recipients.resolveLocal(sub.sender.email),
    deps.store.folders.findByKind(sub.sender.id, 'sent'),
  ]);
  if (!sentFolder) throw tempFail('store_failed', 'The Sent folder is missing');
  const { messages: copies, outboundId } = await ingestMessage(deps, {
    raw: sub.raw,
    targets: [
      ...local.map((recipient) => ({ recipient })),
      { recipient: self, folderId: sentFolder.id, source: 'sent' as const },
    ],
    trace: sub.trace,
    enforceQuota: sub.enforceQuota,
    outbound: external.length > 0 ? { userId: sub.sender.id, mailFrom: sub.sender.email, recipients: external } : null,
  });
  if (outboundId !== null) deps.events.publish('outbound.queued', { queueId: outboundId });
  const sent = copies.find((c) => c.folderId === sentFolder.id)!;
  const delivered = copies.filter((c) => c !== sent);
  deps.log.debug({ sender: sub.sender.id, sent: sent.id, delivered: delivered.length, queuedId: outboundId }, 'message submitted');
  return { sent, delivered, queuedId: outboundId };
}

export interface ComposeRequest {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  html?: string;
  /** id of the user's own message this one answers */
  inReplyToId?: number;
  attachments: ComposeAttachment[];
}

/** POST /api/messages: compose, then submit like SMTP would. Returns the Sent copy. */
export async function sendMessage(
  deps: SendDeps, user: UserRecord, req: ComposeRequest, origin: { remoteAddress: string },
): Promise<MessageRecord> {
  const to = addressList(req.to, 'to');
  const cc = addressList(req.cc, 'cc');
  const bcc = addressList(req.bcc, 'bcc');
  const everyone = uniqueBy([...to, ...cc, ...bcc], (a) => a.address.toLowerCase());
  if (everyone.length === 0) throw invalid('no_recipients', 'give at least one recipient in to, cc or bcc');
  if (everyone.length > deps.config.smtp.maxRecipients) {
    throw invalid('too_many_recipients', `at most ${deps.config.smtp.maxRecipients} recipients per message`);
  }
  const recipients = await Promise.all(everyone.map((a) => resolveRecipientFor(deps, a.address, user)));
  const parent = req.inReplyToId === undefined ? null : await getMessage(deps, user.id, req.inReplyToId);
  // RFC 8098: ask outside recipients for a read receipt when the user chose to (local ones show read ticks anyway).
  const askReceipt = recipients.some(isExternal) && (await deps.store.chat.settings(user.id)).requestReadReceipts;
  const raw = await composeMessage({
    from: { address: user.email, name: user.name ?? '' },
    to,
    cc,
    subject: req.subject || (parent ? replySubject(parent.subject) : ''),
    text: req.text,
    html: req.html,
    attachments: req.attachments,
    messageId: `${randomUUID()}@${deps.config.smtp.hostname}`,
    inReplyTo: parent?.messageId ?? null,
    references: parent ? referencesOf(parent) : [],
    date: new Date(),
    ...(askReceipt ? { dispositionNotificationTo: user.email } : {}),
  });
  if (raw.length > deps.config.smtp.maxMessageBytes) {
    throw tooLarge('message_too_large', `the message is ${raw.length} bytes; the limit is ${deps.config.smtp.maxMessageBytes}`);
  }
  const trace: TraceInfo = {
    helo: 'webmail', remoteAddress: origin.remoteAddress, hostname: deps.config.smtp.hostname,
    protocol: 'HTTP', sessionId: randomBytes(6).toString('hex'),
  };
  const { sent } = await submitMessage(deps, { raw, sender: user, recipients, trace });
  return sent;
}

/** Each entry may be "a@b", "Name <a@b>" or several separated by commas. */
function addressList(values: string[], field: string): ComposeAddress[] {
  const out: ComposeAddress[] = [];
  for (const value of values) {
    const entries = addressparser(value, { flatten: true });
    if (entries.length === 0) throw invalid('invalid_address', `${field}: "${value}" is not an email address`);
    for (const e of entries) {
      const mailbox = parseMailbox(e.address ?? '');
      if (!mailbox) throw invalid('invalid_address', `${field}: "${e.address || value}" is not a valid email address`);
      out.push({ address: e.address.trim(), name: e.name || undefined });
    }
  }
  return out;
}

// RFC 5322 3.6.4: the parent's References plus the parent's own id.
function referencesOf(parent: MessageRecord): string[] {
  const ids = uniqueBy([...parent.references, parent.messageId].filter((x): x is string => !!x), (x) => x);
  return ids.slice(-30);
}

function replySubject(subject: string): string {
  return /^re:/i.test(subject.trim()) ? subject : `Re: ${subject}`;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
