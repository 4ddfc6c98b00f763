// The core as the adapters see it: use cases, bound once to their
// dependencies in the composition root (app.ts). HTTP routes, the SMTP
// listener, realtime and the CLI call these and nothing below them; none of
// them can reach the store.
import type { PasswordHasher } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config/config.js';
import type { MessageParser } from '../mail/parse-pool/parse-pool.js';
import type { HtmlSanitizer } from '../mail/sanitize-pool/html-sanitizer.js';
import type { MessageRecord } from '../storage/records.js';
import type { ServableMessage } from './presenters.js';
import type { ContentScanner, ScannerName } from '../scanning/scan-verdict.js';
import type { Logger } from '../shared/logger.js';
import type { DropResult, MailStore, RetryResult } from '../storage/mail-store.js';
import type { AccountRecord, OutboundStatus, QueueRow } from '../storage/records.js';
import * as accounts from './accounts.js';
import * as admin from './admin-users.js';
import { ChatService } from './chat.js';
import type { CounterStore } from './counters.js';
import type { EventBus } from './event-bus.js';
import * as folders from './folders.js';
import { HealthCheck } from './health.js';
import { ImapMailbox } from './imap-mailbox.js';
import { MailIntake } from './mail-intake.js';
import { MailboxChanges } from './mailbox-changes.js';
import * as mailbox from './mailbox.js';
import { Metrics } from './metrics.js';
import { OutboundWorker, type RelayTransport } from './outbound-queue.js';
import type { PipelineWatch } from './pipeline-watch.js';
import type { PresenceRegistry } from './presence.js';
import * as transfer from './mailbox-transfer.js';
import { BodyJsonCache, readMessage } from './read-message.js';
import { RecipientResolver } from './recipients.js';
import { LocalDomains, type LocalDomainEntry } from './local-domains.js';
import { RegistrationPolicy } from './registration.js';
import { LoginGuard } from './login-guard.js';
import { limitsApply } from './rate-limits.js';
import { startSearchBackfill } from './search-backfill.js';
import { searchMessages } from './search-messages.js';
import { sendMessage } from './send-message.js';
import { SmtpGuard } from './smtp-guard.js';
import { startSpamLearning } from './spam-learning.js';
import { recordWebhookEvents, startWebhookWorker, type WebhookWorker } from './webhooks.js';

/** What the composition root builds and hands to the core. */
export interface CoreDeps {
  config: Config;
  log: Logger;
  store: MailStore;
  parser: MessageParser;
  /** sanitises HTML off the main thread, once per message content */
  htmlSanitizer: HtmlSanitizer;
  events: EventBus;
  hasher: PasswordHasher;
  tokens: TokenService;
  pipeline: PipelineWatch;
  /** spamd and clamd as configured; null when both are off */
  scanner: ContentScanner | null;
  /** who is online (one process's sockets, or shared through Redis) */
  presence: PresenceRegistry;
  /** rate-limit and AUTH-failure counts (this process's, or shared through Redis) */
  counters: CounterStore;
  /** Redis as /health reports it: 'off' without REDIS_URL */
  redisState: () => 'off' | 'up' | 'down';
}

export interface CoreOptions {
  /** the server delivers webhooks and relays the outbound queue; the CLI only records */
  runWorkers: boolean;
  /** the next hop for external recipients (null: none configured) */
  relay?: RelayTransport | null;
}

type Bound<F> = F extends (deps: never, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind = <D, A extends unknown[], R>(f: (deps: D, ...args: A) => R, deps: D) => (...args: A): R => f(deps, ...args);

export interface Core {
  readonly events: EventBus;
  readonly metrics: Metrics;
  readonly smtpGuard: SmtpGuard;
  /** rate-limit counts for the HTTP limiter, kept where the SMTP ones are */
  readonly counters: CounterStore;
  /** the use cases behind an SMTP session */
  readonly intake: MailIntake;
  /** a mail client's view of the mailbox (the IMAP adapter's use cases) */
  readonly imap: ImapMailbox;
  /** whose mailbox changed, here or on another instance: what wakes IDLE sessions */
  readonly mailboxChanges: MailboxChanges;
  /** typing, presence, delivery and read ticks, contacts, read-receipt settings */
  readonly chat: ChatService;
  readonly health: HealthCheck;
  readonly accounts: {
    register: Bound<typeof accounts.register>;
    login: Bound<typeof accounts.login>;
    authenticateToken: Bound<typeof accounts.authenticateToken>;
    verifyCredentials: Bound<typeof accounts.verifyCredentials>;
  };
  readonly mailbox: {
    listFolders: Bound<typeof mailbox.listFolders>;
    listMessages: Bound<typeof mailbox.listMessages>;
    listThreads: Bound<typeof mailbox.listThreads>;
    getThread: Bound<typeof mailbox.getThread>;
    threadInFolder: Bound<typeof mailbox.threadInFolder>;
    getMessage: Bound<typeof mailbox.getMessage>;
    /** opening a message: its bodies as JSON text made once and kept (what presentMessageJson takes) */
    readMessage: Bound<typeof readMessage>;
    getRaw: Bound<typeof mailbox.getRaw>;
    getAttachment: Bound<typeof mailbox.getAttachment>;
    search: Bound<typeof searchMessages>;
    changeMessages: Bound<typeof mailbox.changeMessages>;
    deleteMessages: Bound<typeof mailbox.deleteMessages>;
    send: Bound<typeof sendMessage>;
    /** the messages with their HTML sanitised (on a worker thread, cached): what presenters take */
    servable(messages: MessageRecord[]): Promise<ServableMessage[]>;
    createFolder: Bound<typeof folders.createFolder>;
    renameFolder: Bound<typeof folders.renameFolder>;
    deleteFolder: Bound<typeof folders.deleteFolder>;
  };
  /** mbox and maildir, in and out */
  readonly transfer: {
    folderNamed: Bound<typeof transfer.folderNamed>;
    openExport: Bound<typeof transfer.openExport>;
    mboxStream: typeof transfer.mboxStream;
    writeMaildirExport: typeof transfer.writeMaildirExport;
    /** the largest message an import takes (SMTP_MAX_MESSAGE_BYTES) */
    mboxEntries(source: AsyncIterable<Uint8Array | string>): ReturnType<typeof transfer.mboxEntries>;
    maildirEntries(dir: string): ReturnType<typeof transfer.maildirEntries>;
    importMailbox: Bound<typeof transfer.importMailbox>;
  };
  readonly admin: {
    isAdmin(user: { role: string; email: string }): boolean;
    present(account: AccountRecord): admin.AccountDto;
    /** the account with its statistics block */
    detail(account: AccountRecord): Promise<admin.AccountDetailDto>;
    quotaUsage(account: AccountRecord): number | null;
    listAccounts(offset: number, limit: number, after?: number | null): Promise<{ users: AccountRecord[]; total: number }>;
    findAccount(email: string): Promise<AccountRecord>;
    createAccount: Bound<typeof admin.createAccount>;
    updateAccount: Bound<typeof admin.updateAccount>;
    deleteAccount: Bound<typeof admin.deleteAccount>;
    storageUsage(): Promise<{ messagesStored: number; totalBytes: number }>;
    queuePage(status: OutboundStatus | undefined, offset: number, limit: number, after?: number | null): Promise<{ items: QueueRow[]; total: number }>;
    queueCounts(): Promise<Record<string, number>>;
    retryQueued(id: number): Promise<RetryResult>;
    dropQueued(id: number): Promise<DropResult>;
    /** MAIL_DOMAINS and the domains admins added */
    listDomains(): Promise<LocalDomainEntry[]>;
    addDomain(domain: string): Promise<{ domain: string; added: boolean }>;
    removeDomain(domain: string): Promise<boolean>;
    /** which content scanners are switched on */
    scannersEnabled(): Record<ScannerName, boolean>;
  };
  /** stops the workers; events published before still reach the outbox */
  stop(timeoutMs: number): Promise<void>;
}

export async function buildCore(deps: CoreDeps, opts: CoreOptions): Promise<Core> {
  const { config, store, events } = deps;
  const log = deps.log.child({ component: 'core' });
  const domains = new LocalDomains(store.domains, config.mailDomains);
  const recipients = new RecipientResolver(store.users, domains, config.quota.defaultMb);
  const sendDeps = { ...deps, recipients };
  const registration = new RegistrationPolicy(config.registration, domains, store.users);
  // One guard for every password check: HTTP login and SMTP AUTH share its counts.
  const limits = config.rateLimits;
  const logins = new LoginGuard({
    perIp: limits.authPerIp, windowMs: limits.authWindowMs, freeFailures: limits.authPerEmail,
    backoffBaseMs: limits.authBackoffMs, backoffMaxMs: limits.authBackoffMaxMs,
    exempt: (ip) => !limitsApply(ip, limits.loopbackExempt),
    counters: deps.counters,
  });
  const metrics = new Metrics(events);
  const webhookWorker: WebhookWorker | null = opts.runWorkers
    ? startWebhookWorker(config, store.webhooks, metrics, deps.log.child({ component: 'webhooks' }))
    : null;
  const pending = new Set<Promise<unknown>>();
  const unrecord = recordWebhookEvents(config, events, store.webhooks, log, () => webhookWorker?.poke(), pending);
  const adminDeps: admin.AdminDeps = { config, store, hasher: deps.hasher, events, domains };
  const promoted = await admin.syncConfiguredAdmins(adminDeps);
  if (promoted > 0) log.info({ promoted }, 'ADMIN_EMAILS accounts made admins');
  // Accounts registered later from an ADMIN_EMAILS address get the role in the database too.
  const unpromote = events.subscribe('user.created', ({ user }) => {
    if (user.role !== 'admin' && config.adminEmails.includes(user.email)) {
      void store.accounts.promoteAll([user.email]).catch((err) => log.warn({ err }, 'could not promote an ADMIN_EMAILS account'));
    }
  });
  const outbound = opts.runWorkers ? new OutboundWorker(sendDeps, opts.relay ?? null, deps.log.child({ component: 'outbound' })) : null;
  await outbound?.start();
  // Moves into and out of Spam teach spamd (SPAMASSASSIN_LEARN); only the server moves mail.
  const learning = opts.runWorkers && deps.scanner && config.scanners.spamassassin?.learn
    ? startSpamLearning({ scanner: deps.scanner, store, events, log: deps.log.child({ component: 'spam-learning' }) })
    : null;
  const chat = new ChatService({
    ...deps, log: deps.log.child({ component: 'chat' }),
    // Other instances store mail too, and their stores do not clear this instance's answers.
    scopeTtlMs: config.redis ? 10_000 : undefined,
  });
  const intake = new MailIntake(sendDeps, config.smtp.hostname, deps.log, logins);
  const mailboxChanges = new MailboxChanges(events);
  // The server tracks deliveries and answers receipts; the CLI moves no mail that would need it.
  if (opts.runWorkers) chat.start();
  // Mail stored before the search index existed gets indexed in the background.
  const backfill = opts.runWorkers ? startSearchBackfill(store.searchIndex, deps.log.child({ component: 'search' })) : null;

  return {
    events,
    metrics,
    counters: deps.counters,
    smtpGuard: new SmtpGuard(config, metrics, events, deps.log.child({ component: 'smtp' }), deps.counters),
    intake,
    imap: new ImapMailbox({ ...sendDeps, intake, metrics, log: deps.log.child({ component: 'imap' }) }),
    mailboxChanges,
    chat,
    health: new HealthCheck(deps),
    accounts: {
      register: bind(accounts.register, { ...deps, registration }),
      login: bind(accounts.login, { ...deps, logins }),
      authenticateToken: bind(accounts.authenticateToken, deps),
      verifyCredentials: bind(accounts.verifyCredentials, deps),
    },
    mailbox: {
      listFolders: bind(mailbox.listFolders, deps),
      listMessages: bind(mailbox.listMessages, deps),
      listThreads: bind(mailbox.listThreads, deps),
      getThread: bind(mailbox.getThread, deps),
      threadInFolder: bind(mailbox.threadInFolder, deps),
      getMessage: bind(mailbox.getMessage, deps),
      readMessage: bind(readMessage, { ...deps, bodyJson: new BodyJsonCache() }),
      getRaw: bind(mailbox.getRaw, deps),
      getAttachment: bind(mailbox.getAttachment, deps),
      search: bind(searchMessages, deps),
      changeMessages: bind(mailbox.changeMessages, deps),
      deleteMessages: bind(mailbox.deleteMessages, deps),
      send: bind(sendMessage, sendDeps),
      servable: (messages) =>
        Promise.all(messages.map(async (m) => ({ ...m, safeHtml: await deps.htmlSanitizer.sanitize(m.rawSha256, m.untrustedHtml) }))),
      createFolder: bind(folders.createFolder, deps),
      renameFolder: bind(folders.renameFolder, deps),
      deleteFolder: bind(folders.deleteFolder, deps),
    },
    transfer: {
      folderNamed: bind(transfer.folderNamed, deps),
      openExport: bind(transfer.openExport, deps),
      mboxStream: transfer.mboxStream,
      writeMaildirExport: transfer.writeMaildirExport,
      mboxEntries: (source) => transfer.mboxEntries(source, config.smtp.maxMessageBytes),
      maildirEntries: (dir) => transfer.maildirEntries(dir, config.smtp.maxMessageBytes),
      importMailbox: bind(transfer.importMailbox, sendDeps),
    },
    admin: {
      isAdmin: (user) => admin.isAdmin(config, user),
      present: (account) => admin.presentAccount(config, account),
      detail: (account) => admin.accountDetail(adminDeps, account),
      quotaUsage: (account) => admin.quotaUsage(config, account),
      listAccounts: (offset, limit, after) => store.accounts.list(offset, limit, after),
      findAccount: (email) => admin.findAccount(adminDeps, email),
      createAccount: bind(admin.createAccount, adminDeps),
      updateAccount: bind(admin.updateAccount, adminDeps),
      deleteAccount: bind(admin.deleteAccount, adminDeps),
      storageUsage: () => store.accounts.usage(),
      queuePage: (status, offset, limit, after) => store.outbound.page(status, offset, limit, after),
      queueCounts: () => store.outbound.counts(),
      retryQueued: (id) => store.outbound.retryNow(id),
      dropQueued: (id) => store.outbound.drop(id),
      listDomains: () => domains.list(),
      addDomain: (domain) => domains.add(domain),
      removeDomain: (domain) => domains.remove(domain),
      scannersEnabled: () => ({ spamassassin: !!config.scanners.spamassassin, clamav: !!config.scanners.clamav }),
    },
    async stop(timeoutMs) {
      await backfill?.stop();
      await learning?.stop();
      chat.stop();
      await outbound?.stop(timeoutMs);
      await chat.settled();
      unrecord();
      unpromote();
      mailboxChanges.close();
      await webhookWorker?.stop();
      // Events published just before stop still reach the outbox.
      await Promise.allSettled([...pending]);
    },
  };
}
