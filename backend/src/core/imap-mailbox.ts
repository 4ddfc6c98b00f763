// The IMAP use cases: a mail client's view of the same mailbox the API and
// the web inbox show. Every change goes through the store's commit and is
// then published on the event bus, which is how the web inbox, the other
// IMAP sessions (IDLE) and the chat learn of it.
import { toCrlf } from '../mail/line-endings.js';
import { conflict, notFound, tooLarge } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { isQuotaExceeded, type FlagChange, type MailStore } from '../storage/mail-store.js';
import type { ImapFolderRecord, ImapMessageRecord, ImapMessageSource, UidMapping } from '../storage/records.js';
import type { EventBus } from './event-bus.js';
import { createFolder, deleteFolder, renameFolder } from './folders.js';
import { findByPath, toImapFolder, type ImapFolder } from './imap-folders.js';
import { ingestMessage, type IngestDeps } from './ingest-message.js';
import { indexStoredMessages } from './search-backfill.js';
import type { MailIntake } from './mail-intake.js';
import type { Metrics } from './metrics.js';
import type { RecipientResolver } from './recipients.js';

export type { ImapFolder };
export type { FlagAction, FlagChange } from '../storage/mail-store.js';
export type { ImapFlagsRecord, ImapMessageRecord, ImapMessageSource, UidMapping } from '../storage/records.js';

export interface ImapDeps extends IngestDeps {
  store: MailStore;
  events: EventBus;
  log: Logger;
  intake: Pick<MailIntake, 'authenticate'>;
  recipients: Pick<RecipientResolver, 'resolveLocal'>;
  metrics: Pick<Metrics, 'authAttempt'>;
}

export interface OpenedFolder {
  folder: ImapFolder;
  state: ImapFolderRecord;
  uids: number[];
}

export interface FolderStatus {
  messages: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
}

export class ImapMailbox {
  constructor(private readonly deps: ImapDeps) {}

  /** SMTP AUTH's rules and failure counting (MailIntake's AuthGuard); a disabled account fails like a wrong password. */
  async authenticate(username: string, password: string, session: { id: string; remoteAddress: string }): Promise<{ id: number; email: string }> {
    try {
      const user = await this.deps.intake.authenticate(username, password, session);
      this.deps.metrics.authAttempt(true);
      return user;
    } catch (err) {
      this.deps.metrics.authAttempt(false);
      this.deps.events.publish('auth.failed', { username, remoteAddress: session.remoteAddress, via: 'imap' });
      throw err;
    }
  }

  async folders(userId: number): Promise<ImapFolder[]> {
    return (await this.deps.store.folders.listWithCounts(userId)).map(toImapFolder);
  }

  async folder(userId: number, path: string): Promise<ImapFolder | null> {
    return findByPath(await this.folders(userId), path);
  }

  async open(userId: number, path: string): Promise<OpenedFolder | null> {
    const folder = await this.folder(userId, path);
    const state = folder && (await this.deps.store.imap.folder(userId, folder.id));
    if (!folder || !state) return null;
    return { folder, state, uids: await this.deps.store.imap.uids(userId, folder.id) };
  }

  async status(userId: number, path: string): Promise<FolderStatus | null> {
    const folder = await this.folder(userId, path);
    const state = folder && (await this.deps.store.imap.folder(userId, folder.id));
    if (!folder || !state) return null;
    const counts = (await this.deps.store.folders.listWithCounts(userId)).find((f) => f.id === folder.id);
    return {
      messages: counts?.totalCount ?? 0, unseen: counts?.unreadCount ?? 0,
      uidNext: state.uidNext, uidValidity: state.uidValidity, highestModseq: state.highestModseq,
    };
  }

  uids(userId: number, folderId: number): Promise<number[]> {
    return this.deps.store.imap.uids(userId, folderId);
  }

  messages(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageRecord[]> {
    return this.deps.store.imap.messages(userId, folderId, uids, changedSince);
  }

  messageSources(userId: number, folderId: number, uids: readonly number[] | null, changedSince?: number): Promise<ImapMessageSource[]> {
    return this.deps.store.imap.messageSources(userId, folderId, uids, changedSince);
  }

  /** BODY[]: the same bytes as /api/messages/:id/raw (our trace header, then the message as received). */
  async raw(message: Pick<ImapMessageSource, 'receivedHeader' | 'rawSha256'>): Promise<Buffer> {
    const body = await this.deps.store.blobs.read(message.rawSha256);
    return message.receivedHeader ? Buffer.concat([Buffer.from(message.receivedHeader, 'latin1'), body]) : body;
  }

  async storeFlags(userId: number, folderId: number, uids: readonly number[], change: FlagChange) {
    const result = await this.deps.store.imap.setFlags(userId, folderId, uids, change);
    await this.announceUpdates(userId, result.changed.map((m) => m.id), new Map());
    return result;
  }

  async copy(userId: number, folderId: number, uids: readonly number[], toPath: string): Promise<{ uidValidity: number; mapping: UidMapping[] }> {
    const target = await this.target(userId, toPath);
    const quota = await this.quotaOf(userId);
    const mapping = await this.deps.store.imap.copy(userId, folderId, uids, target.id, quota).catch((err: unknown) => {
      if (isQuotaExceeded(err)) throw tooLarge('quota_exceeded', (err as Error).message);
      throw err;
    });
    // Before the OK: a search right after it finds the copies too.
    await indexStoredMessages(this.deps.store.searchIndex, mapping.map((m) => m.id), this.deps.log);
    const committedAt = process.hrtime.bigint();
    for (const message of await this.deps.store.messages.getMany(userId, mapping.map((m) => m.id))) {
      this.deps.events.publish('message.stored', { message, source: 'appended', committedAt });
    }
    return { uidValidity: target.id, mapping };
  }

  /** RFC 6851 MOVE: new UIDs in the target, announced as the API's moves are. */
  async move(userId: number, folderId: number, uids: readonly number[], toPath: string): Promise<{ uidValidity: number; mapping: UidMapping[] }> {
    const target = await this.target(userId, toPath);
    const rows = await this.deps.store.imap.messages(userId, folderId, uids);
    const moved = await this.deps.store.messages.update(userId, rows.map((r) => r.id), { folderId: target.id });
    const sourceUid = new Map(rows.map((r) => [r.id, r.uid]));
    await this.announceUpdates(userId, moved.map((m) => m.id), new Map(moved.map((m) => [m.id, folderId])));
    return { uidValidity: target.id, mapping: moved.map((m) => ({ id: m.id, uid: m.uid, sourceUid: sourceUid.get(m.id)! })) };
  }

  /** EXPUNGE: the \Deleted messages (of `uids`, for UID EXPUNGE) go for good; their UIDs, ascending. */
  async expunge(userId: number, folderId: number, uids: readonly number[] | null): Promise<number[]> {
    const doomed = (await this.deps.store.imap.messages(userId, folderId, uids)).filter((m) => m.isDeleted);
    if (doomed.length === 0) return [];
    const records = await this.deps.store.messages.getMany(userId, doomed.map((m) => m.id));
    await this.deps.store.messages.deleteForGood(userId, doomed.map((m) => m.id));
    for (const m of records) this.deps.events.publish('message.deleted', { userId, id: m.id, threadId: m.threadId, folderId: m.folderId });
    return doomed.map((m) => m.uid);
  }

  /**
   * APPEND: stored as the client gave it, but with CRLF line ends (a message
   * is RFC 5322's, as over SMTP: a client on Unix may send bare LFs, and
   * FETCH must then serve what RFC822.SIZE counts); no Received: line, quota
   * applied, announced to the web and IDLE.
   */
  async append(
    userId: number, toPath: string, raw: Buffer, flags: { isRead: boolean; isStarred: boolean; isDraft: boolean }, at: Date | null,
  ): Promise<{ uidValidity: number; uid: number }> {
    const target = await this.target(userId, toPath);
    const user = await this.deps.store.users.findById(userId);
    if (!user) throw notFound('user');
    const recipient = await this.deps.recipients.resolveLocal(user.email);
    const stored = await ingestMessage(this.deps, {
      raw: toCrlf(raw), trace: null, receivedAt: at ?? undefined, enforceQuota: true,
      targets: [{ recipient, folderId: target.id, source: 'appended', flags }],
    });
    return { uidValidity: target.id, uid: stored.uids[0]! };
  }

  createFolder(userId: number, path: string) {
    return createFolder(this.deps, userId, path);
  }

  async renameFolder(userId: number, path: string, newPath: string) {
    const folder = await this.existing(userId, path);
    return renameFolder(this.deps, userId, folder.id, newPath);
  }

  async deleteFolder(userId: number, path: string) {
    const folder = await this.existing(userId, path);
    return deleteFolder(this.deps, userId, folder.id);
  }

  private async existing(userId: number, path: string): Promise<ImapFolder> {
    const folder = await this.folder(userId, path);
    if (!folder) throw notFound('folder');
    return folder;
  }

  /** RFC 3501 6.3.11: a target that does not exist answers [TRYCREATE]. */
  private async target(userId: number, path: string): Promise<ImapFolder> {
    const folder = await this.folder(userId, path);
    if (!folder) throw conflict('trycreate', `${path} does not exist`);
    return folder;
  }

  private async quotaOf(userId: number): Promise<{ bytes: number | null; mailbox: string }> {
    const user = await this.deps.store.users.findById(userId);
    if (!user) throw notFound('user');
    const recipient = await this.deps.recipients.resolveLocal(user.email);
    return { bytes: recipient.quotaBytes, mailbox: user.email };
  }

  /** The web gets email_updated, IDLE sessions their FETCH or EXPUNGE (previous folders by id). */
  private async announceUpdates(userId: number, ids: readonly number[], previousFolder: Map<number, number>): Promise<void> {
    if (ids.length === 0) return;
    const updates = (await this.deps.store.messages.getMany(userId, ids)).map((message) => ({
      message, previousFolderId: previousFolder.get(message.id) ?? message.folderId,
    }));
    if (updates.length > 0) this.deps.events.publish('messages.updated', { userId, updates });
  }
}
