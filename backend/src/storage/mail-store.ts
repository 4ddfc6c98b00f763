// The storage port: everything the core asks of a database engine, in plain
// objects. An engine (sqlite/ today) implements it whole; the core knows
// nothing of tables, connections, blob tiers or worker threads. Every read
// of a user's mail is scoped by owner: another user's row is indistinguishable
// from a missing one.
import type {
  ChatSettingsRecord,
  CorrespondenceRecord,
  ExportRecord,
  DeliveryStatusRecord,
  DeliveryStatusValue,
  SharedCopyRecord,
  AccountChange,
  AccountRecord,
  AccountStatistics,
  AddressRecord,
  AttachmentRecord,
  FolderRecord,
  FolderWithCounts,
  ImapFlagsRecord,
  ImapFolderRecord,
  ImapMessageRecord,
  ImapMessageSource,
  MailboxRecord,
  MessageBodiesRecord,
  MessageMetaRecord,
  MessageRecord,
  MessageSummaryRecord,
  OutboundRecord,
  OutboundStatus,
  Page,
  QueueRow,
  ThreadSummaryRecord,
  UidMapping,
  UserRecord,
  WebhookRow,
} from './records.js';
import type { Readable } from 'node:stream';
import type { FolderKind } from '../contracts/api.js';

export interface MailStore {
  readonly engine: 'sqlite' | 'postgresql';
  /** the migrations this start applied */
  readonly migrationsApplied: readonly string[];
  /** blob files no row referenced, removed at this start */
  readonly orphanBlobsRemoved: number;
  readonly users: UserStore;
  readonly accounts: AccountStore;
  readonly folders: FolderStore;
  readonly messages: MessageStore;
  readonly imap: ImapStore;
  readonly blobs: BlobStore;
  readonly outbound: OutboundStore;
  readonly webhooks: WebhookOutbox;
  readonly chat: ChatStore;
  readonly domains: DomainStore;
  readonly searchIndex: SearchIndexStore;
  /**
   * Secrets every instance must agree on, kept in the database; null where
   * one instance owns its data directory and keeps them there (SQLite).
   */
  readonly secrets: SecretStore | null;
  /**
   * Starts storing a message's bytes (an engine may begin writing them while
   * the caller parses); commit() or abandon() ends it.
   */
  openDelivery(raw: Buffer): Delivery;
  /** resolves when the database answers reads and can take its write lock */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export interface UserStore {
  /** the user and its six system folders, in one transaction; DuplicateKey when the email or username is taken */
  create(input: { email: string; username?: string | null; name: string | null; passwordHash: string; role?: 'user' | 'admin' }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: number): Promise<UserRecord | null>;
  /** whether an account has this (lower-cased) username */
  usernameTaken(username: string): Promise<boolean>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  /** what delivery needs to know of an address: asked at every RCPT, so engines keep it cheap */
  findMailbox(email: string): Promise<MailboxRecord | null>;
  first(): Promise<UserRecord | null>;
}

/** The local domains an admin added (lower-cased); the config's MAIL_DOMAINS are not stored. */
export interface DomainStore {
  list(): Promise<string[]>;
  has(domain: string): Promise<boolean>;
  /** false when it was there already */
  add(domain: string): Promise<boolean>;
  /** false when it was not there */
  remove(domain: string): Promise<boolean>;
}

/** Accounts as an operator sees them. */
export interface AccountStore {
  /** by id; `after` (the last id of the previous page) pages on the primary key, where an offset would walk past every skipped row */
  list(offset: number, limit: number, after?: number | null): Promise<{ users: AccountRecord[]; total: number }>;
  findByEmail(email: string): Promise<AccountRecord | null>;
  /** by the (lower-cased) username */
  findByUsername(username: string): Promise<AccountRecord | null>;
  findById(id: number): Promise<AccountRecord | null>;
  /** DuplicateKey when a new email is taken */
  update(id: number, change: AccountChange): Promise<AccountRecord>;
  /** makes every listed address that has an account an admin; how many changed */
  promoteAll(emails: readonly string[]): Promise<number>;
  /** the user, all their mail and queued mail, and the blobs nothing else needs */
  delete(id: number): Promise<void>;
  usage(): Promise<{ messagesStored: number; totalBytes: number }>;
  /** notes a successful sign-in */
  recordLogin(id: number, at: Date): Promise<void>;
  /** what the account holds */
  statistics(id: number): Promise<AccountStatistics>;
}

export interface FolderStore {
  listWithCounts(userId: number): Promise<FolderWithCounts[]>;
  findOwned(userId: number, folderId: number): Promise<FolderRecord | null>;
  findByKind(userId: number, kind: FolderKind): Promise<FolderRecord | null>;
  /** a custom folder; DuplicateKey when the user has one of that name */
  create(userId: number, name: string): Promise<FolderRecord>;
  /**
   * Renames a folder and the folders nested under it (`name/...`), keeping
   * their ids and so their UIDVALIDITY; DuplicateKey when a new name is taken.
   */
  rename(userId: number, folderId: number, name: string): Promise<FolderRecord | null>;
  /** moves the folder's mail to `mailTo` (new UIDs there), then removes the folder; false when not the user's */
  remove(userId: number, folderId: number, mailTo: number): Promise<boolean>;
}

export interface MessageChange {
  isRead?: boolean;
  isStarred?: boolean;
  folderId?: number;
}

/** Where moved messages went: each gets the next UID of its new folder. */
export interface MovedMessage {
  id: number;
  uid: number;
}

export interface MessageStore {
  /** newest first, keyset-paginated by (createdAt, id) */
  listInFolder(userId: number, folderId: number, limit: number, cursor: string | null): Promise<Page<MessageSummaryRecord>>;
  /** conversations by their newest message in the folder, keyset-paginated */
  listThreadsInFolder(userId: number, folderId: number, limit: number, cursor: string | null): Promise<Page<ThreadSummaryRecord>>;
  get(userId: number, id: number): Promise<MessageRecord | null>;
  /** the message without its bodies, read by the engine's own statement: a read of a big message asks for this every time */
  getMeta(userId: number, id: number): Promise<MessageMetaRecord | null>;
  /** the bodies alone, for a reader that keeps them (they never change) */
  getBodies(userId: number, id: number): Promise<MessageBodiesRecord | null>;
  /** those of the messages that are the user's, in no particular order */
  getMany(userId: number, ids: readonly number[]): Promise<MessageRecord[]>;
  /** the thread's messages, oldest first */
  listThread(userId: number, threadId: number): Promise<MessageRecord[]>;
  getAttachment(userId: number, id: number): Promise<AttachmentRecord | null>;
  /**
   * The user's messages that `spec` finds, best first (full-text rank, then
   * newest), from `offset`; `more` when there are others after these.
   */
  search(userId: number, spec: SearchSpec, offset: number, limit: number): Promise<{ hits: SearchHitRecord[]; more: boolean }>;
  /**
   * Changes flags or the folder; every change raises the MODSEQ of the
   * messages it touches, a move gives them new UIDs (the moved ones come back).
   */
  update(userId: number, ids: number[], change: MessageChange): Promise<MovedMessage[]>;
  /** the user's messages in a folder (null: in all), by id from after `afterId`: an export's pages */
  listForExport(userId: number, folderId: number | null, afterId: number, limit: number): Promise<ExportRecord[]>;
  /** deletes for good, with the blobs nothing else needs */
  deleteForGood(userId: number, ids: number[]): Promise<void>;
}

/**
 * A message's searchable text per field, tokenized already (mail/search/):
 * the words, folded, separated by single spaces. The same for every copy.
 */
export interface SearchText {
  subject: string;
  sender: string;
  recipients: string;
  body: string;
  attachments: string;
}

/**
 * A search, compiled by the core: the text part for the engine's full-text
 * index (bound as a parameter, never pasted), the rest plain conditions.
 */
export interface SearchSpec {
  /** the FTS5 MATCH expression; null when the query has no positive words */
  fts5Match: string | null;
  /** without fts5Match: messages this MATCH finds are left out (negated words alone) */
  fts5Exclude: string | null;
  /**
   * The same text clauses as a PostgreSQL tsquery literal, negations
   * included; null when the query has none. Ranked when fts5Match is set;
   * alone (negated words only) it leaves out the messages it does not match.
   */
  tsquery: string | null;
  /** the folder answers to each of these names or kinds, case-insensitively */
  folders: readonly string[];
  excludedFolders: readonly string[];
  isRead: boolean | null;
  isStarred: boolean | null;
  hasAttachments: boolean | null;
  sentOnOrAfter: Date | null;
  sentBefore: Date | null;
}

/** A search result with what highlighting needs. */
export interface SearchHitRecord extends MessageSummaryRecord {
  to: AddressRecord[];
  cc: AddressRecord[];
  /** the start of the body text (SEARCH_BODY_HEAD_CHARS), for the snippet */
  bodyHead: string;
  attachmentNames: string[];
}

/** How many characters of a body a search result carries for its highlighted snippet. */
export const SEARCH_BODY_HEAD_CHARS = 20_000;

/** A stored message's searchable fields, for indexing mail stored before the index existed. */
export interface UnindexedMessage {
  id: number;
  subject: string;
  fromName: string;
  fromEmail: string;
  to: AddressRecord[];
  cc: AddressRecord[];
  bodyText: string;
  attachmentNames: string[];
}

/** The search index outside deliveries: the backfill of older mail, and of new mail whose entries an engine lost before writing them. */
export interface SearchIndexStore {
  /** up to `limit` of the newest messages not indexed yet; empty when all are */
  pending(limit: number): Promise<UnindexedMessage[]>;
  /** these messages' searchable fields (those still stored), to index messages stored outside a delivery (an IMAP COPY) */
  messages(ids: readonly number[]): Promise<UnindexedMessage[]>;
  /**
   * indexes these (a message deleted meanwhile is skipped); entries from
   * `pending` come batch after batch, each id below those still pending after them
   */
  add(entries: ReadonlyArray<{ id: number; text: SearchText }>): Promise<void>;
}

/** A search ran past its deadline (and was stopped). */
export class SearchTimedOut extends Error {
  readonly code = 'search_timeout';
}

export interface SecretStore {
  /** the secret by that name; if there is none yet, `make()`'s value (when instances race, one value wins for all) */
  getOrCreate(name: string, make: () => string): Promise<string>;
}

export type FlagAction = 'set' | 'add' | 'remove';

/** STORE FLAGS / +FLAGS / -FLAGS; flags not named are left as they are by add and remove. */
export interface FlagChange {
  action: FlagAction;
  flags: Partial<Omit<ImapFlagsRecord, 'keywords'>>;
  keywords: string[];
  /** RFC 7162 UNCHANGEDSINCE: messages changed after this MODSEQ are left alone */
  unchangedSince?: number;
}

/** What IMAP asks beyond the API's view: UIDs, MODSEQs and every flag, by folder. */
export interface ImapStore {
  /** the folder with its counters, or null when it is not the user's */
  folder(userId: number, folderId: number): Promise<ImapFolderRecord | null>;
  /** the UIDs of the folder's messages, ascending */
  uids(userId: number, folderId: number): Promise<number[]>;
  /** the messages with these UIDs (all when null), ascending; only those changed after `changedSince` when given */
  messages(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageRecord[]>;
  /** the same messages with where their bytes are */
  messageSources(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageSource[]>;
  /** the messages that changed (new MODSEQ), and the UIDs UNCHANGEDSINCE kept from changing */
  setFlags(
    userId: number, folderId: number, uids: readonly number[], change: FlagChange,
  ): Promise<{ changed: ImapMessageRecord[]; conflicts: number[] }>;
  /**
   * copies into another of the user's folders, new UIDs there; QuotaExceeded
   * past quotaBytes (null: none). The copies are not in the search index yet:
   * the caller indexes them (SearchIndexStore), and a copy whose entry died
   * with the process is indexed at the next start.
   */
  copy(userId: number, folderId: number, uids: readonly number[], toFolderId: number, quota: { bytes: number | null; mailbox: string }): Promise<UidMapping[]>;
}

export interface BlobStore {
  /** the bytes of a raw message or attachment */
  read(sha256: string): Promise<Buffer>;
  /**
   * The same bytes as a stream, a piece at a time (a big attachment is never
   * whole in memory); rejects, before any byte, when there is no such blob.
   */
  open(sha256: string): Promise<Readable>;
  /** removes those of the blobs that no row references and no pending delivery needs */
  release(hashes: string[]): Promise<void>;
}

export type RetryResult = { ok: true; row: QueueRow } | { ok: false; reason: 'not_found' | 'in_progress' | 'already_sent' };
export type DropResult = { ok: true } | { ok: false; reason: 'not_found' | 'in_progress' };

/**
 * Claimed work (a queue row, a webhook delivery) is held by one instance
 * until `until`; the holder renews it while it works. A row whose lease ran
 * out belongs to an instance that died, and the next claim takes it over.
 */
export interface Lease {
  owner: string;
  until: Date;
}

export interface OutboundStore {
  /**
   * Marks up to `limit` rows 'sending' for the lease's owner (one attempt
   * more) and returns them: due rows, and rows whose lease ran out before
   * `now`. Each row goes to one claimer, also when instances claim at once.
   */
  claimDue(now: Date, limit: number, lease: Lease): Promise<OutboundRecord[]>;
  /** moves the lease of those rows the owner still holds on to lease.until; the ids it still holds */
  renewLeases(ids: readonly number[], lease: Lease): Promise<number[]>;
  markSent(id: number, note?: string | null): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  /** back to the queue for the recipients still pending, at `at` */
  scheduleRetry(id: number, recipients: string[], at: Date, error: string): Promise<void>;
  /** a restart: rows this owner held when it stopped (it was cut off mid-send) are due again now; how many */
  recoverInterrupted(owner: string, now: Date): Promise<number>;
  get(id: number): Promise<OutboundRecord | null>;
  /** newest first */
  list(filter?: { userId?: number; status?: OutboundStatus }, limit?: number): Promise<OutboundRecord[]>;
  /** operators: oldest first; `after` as for AccountStore.list */
  page(status: OutboundStatus | undefined, offset: number, limit: number, after?: number | null): Promise<{ items: QueueRow[]; total: number }>;
  counts(): Promise<Record<string, number>>;
  /** due now, attempts kept; a row being sent or already sent is left alone */
  retryNow(id: number): Promise<RetryResult>;
  /** drops a row that is not mid-delivery, and its blob when nothing else needs it */
  drop(id: number): Promise<DropResult>;
}

/**
 * What the chat asks: conversations matched across users by Message-ID,
 * delivery statuses of sent messages, contacts, read-receipt settings.
 */
export interface ChatStore {
  /** copies in other mailboxes of the messages of one of the user's threads */
  copiesOfThread(userId: number, threadId: number): Promise<SharedCopyRecord[]>;
  /** copies in other mailboxes of any of the user's messages (threadId 0) */
  copiesOfMailbox(userId: number): Promise<SharedCopyRecord[]>;
  /** first statuses; one already there for the message and recipient is kept */
  addStatuses(rows: ReadonlyArray<Omit<DeliveryStatusRecord, 'threadId'>>): Promise<void>;
  /**
   * Moves the named recipients of the user's sent messages on to `status`
   * where a status may move (never back; read once); the rows that moved.
   * `rfcMessageId` / `rawSha256` pick the sent message by its Message-ID or raw bytes.
   */
  advance(
    where: { userId: number; recipients: string[]; rfcMessageId?: string; rawSha256?: string },
    status: DeliveryStatusValue,
    at: Date,
    reason?: string | null,
  ): Promise<DeliveryStatusRecord[]>;
  /** the statuses of these messages of the user's, by message id */
  statusesOf(userId: number, messageIds: readonly number[]): Promise<Map<number, DeliveryStatusRecord[]>>;
  /** the user's newest messages outside Spam and Trash, newest first */
  recentCorrespondence(userId: number, limit: number): Promise<CorrespondenceRecord[]>;
  /** which of these (lower-cased) addresses are users here */
  localUsers(addresses: readonly string[]): Promise<Array<{ id: number; email: string; name: string | null }>>;
  settings(userId: number): Promise<ChatSettingsRecord>;
  saveSettings(userId: number, change: Partial<ChatSettingsRecord>): Promise<ChatSettingsRecord>;
  /** notes that a read receipt went out for the user's copy; false when one already had (or it is not theirs) */
  claimReceipt(userId: number, messageId: number, at: Date): Promise<boolean>;
}

/** The webhook outbox: an event is a row first, so a receiver that is down loses nothing. */
export interface WebhookOutbox {
  enqueue(event: string, payload: string): Promise<number>;
  /** like OutboundStore.claimDue, oldest first; attempts count deliveries made (mark* sets them) */
  claimDue(now: Date, limit: number, lease: Lease): Promise<WebhookRow[]>;
  renewLeases(ids: readonly number[], lease: Lease): Promise<number[]>;
  /**
   * hands back claimed rows the owner did not attempt (a stop), or all it
   * holds (a restart: it was cut off); due again at once, for anyone
   */
  release(owner: string, ids?: readonly number[]): Promise<void>;
  markSent(id: number, attempts: number): Promise<void>;
  markRetry(id: number, attempts: number, at: Date, error: string): Promise<void>;
  markFailed(id: number, attempts: number, error: string): Promise<void>;
  countByStatus(): Promise<Record<string, number>>;
}

/** One stored copy of a message, as the core builds it; the engine adds the blob references. */
export interface CopyDraft {
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
  /** the HTML part as received: never served without sanitizeHtml */
  untrustedHtml: string;
  isRead: boolean;
  /** IMAP APPEND may store a message \Flagged or as a \Draft */
  isStarred?: boolean;
  isDraft?: boolean;
  sentAt: Date;
  createdAt: Date;
  /** '' for a message imported from a mailbox file, which has its own */
  receivedHeader: string;
  /** the trace header plus the raw bytes */
  sizeBytes: number;
  /** refuse this copy (QuotaExceeded) when it would take the owner's usage past this; null: no limit */
  quotaBytes: number | null;
  /** the owner's address, for that refusal */
  mailbox: string;
  /** queue a message.received webhook in the same transaction (a crash cannot lose the event) */
  queueWebhook: boolean;
}

export interface DeliveryAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  content: Buffer;
  /** sha256 of content, as the parser computed it */
  sha256: string;
}

export interface DeliveryInput {
  copies: CopyDraft[];
  /** the message's attachments, the same for every copy */
  attachments: DeliveryAttachment[];
  /** external recipients, queued for the relay in the same transaction */
  outbound: { userId: number; mailFrom: string; recipients: string[] } | null;
  /**
   * the message's searchable text, indexed for every copy in the same
   * transaction; null only for bulk loaders that index through SearchIndexStore
   */
  searchText: SearchText | null;
}

export interface Delivery {
  /**
   * Stores the raw bytes and attachments durably and every copy in one
   * transaction; nothing is half-written on failure. The stored messages
   * come back in the order of the copies.
   */
  commit(input: DeliveryInput): Promise<CommittedDelivery>;
  /** the delivery will not be committed: drop what it stored so far */
  abandon(): Promise<void>;
}

export interface CommittedDelivery {
  messages: MessageRecord[];
  /** each message's IMAP UID in its folder, in the same order */
  uids: number[];
  outboundId: number | null;
}

/** A copy that does not fit its mailbox's quota; core maps the code. */
export class QuotaExceeded extends Error {
  readonly code = 'quota_exceeded';
  constructor(readonly email: string) {
    super(`Mailbox full: ${email} is over its quota`);
  }
}

/** A unique key is taken (an email address). */
export class DuplicateKey extends Error {
  readonly code = 'duplicate_key';
}

/** Errors crossing a worker thread keep only their code. */
export const isQuotaExceeded = (err: unknown): boolean => (err as { code?: unknown })?.code === 'quota_exceeded';
