// The operator's side of ChitBox, built once next to the core services:
// metrics, the SMTP guard, admin and queue repositories, and the webhook
// outbox with its worker. app.ts starts it with the servers; the CLI builds
// it without the worker (its events still land in the durable outbox).
import type { ScannerStatus } from '../scanning/scan-verdict.js';

// Adapters see scanners only through the core.
export type { ScannerName, ScannerStatus } from '../scanning/scan-verdict.js';
import { AdminRepo } from '../storage/admin-repo.js';
import { probeDatabase } from '../storage/health-probe.js';
import { QueueAdminRepo } from '../storage/queue-admin-repo.js';
import { WebhookRepo } from '../storage/webhook-repo.js';
import { syncConfiguredAdmins } from './admin-users.js';
import { Metrics } from './metrics.js';
import type { Services } from './services.js';
import { SmtpGuard } from './smtp-guard.js';
import { startSpamLearning } from './spam-learning.js';
import { recordWebhookEvents, startWebhookWorker, type WebhookWorker } from './webhooks.js';

export interface Operations {
  metrics: Metrics;
  smtpGuard: SmtpGuard;
  admins: AdminRepo;
  queue: QueueAdminRepo;
  webhooks: WebhookRepo;
  /** resolves when the database answers reads and can take its write lock */
  probeDatabase(): Promise<void>;
  /** PING to each enabled scanner daemon, each down if silent for timeoutMs; [] when none is enabled */
  probeScanners(timeoutMs: number): Promise<ScannerStatus[]>;
  stop(): Promise<void>;
}

export async function buildOperations(s: Services, opts: { deliverWebhooks: boolean }): Promise<Operations> {
  const metrics = new Metrics(s.events);
  const admins = new AdminRepo(s.db);
  const queue = new QueueAdminRepo(s.db);
  const webhooks = new WebhookRepo(s.db);
  const log = s.log.child({ component: 'ops' });
  const worker: WebhookWorker | null = opts.deliverWebhooks ? startWebhookWorker(s.config, webhooks, metrics, log.child({ component: 'webhooks' })) : null;
  const pending = new Set<Promise<unknown>>();
  const unrecord = recordWebhookEvents(s.config, s.events, webhooks, log, () => worker?.poke(), pending);
  const promoted = await syncConfiguredAdmins({ config: s.config, admins });
  if (promoted > 0) log.info({ promoted }, 'ADMIN_EMAILS accounts made admins');
  // Accounts registered later from an ADMIN_EMAILS address get the role in the database too.
  const unpromote = s.events.subscribe('user.created', ({ user }) => {
    if (user.role !== 'admin' && s.config.adminEmails.includes(user.email)) {
      void admins.promoteAll([user.email]).catch((err) => log.warn({ err }, 'could not promote an ADMIN_EMAILS account'));
    }
  });
  // Moves into and out of Spam teach spamd (SPAMASSASSIN_LEARN).
  const learning = s.scanner && s.config.scanners.spamassassin?.learn
    ? startSpamLearning({ scanner: s.scanner, folders: s.folders, blobs: s.blobs, events: s.events, log: log.child({ component: 'spam-learning' }) })
    : null;
  let probing: Promise<void> | null = null;
  let probingScanners: Promise<ScannerStatus[]> | null = null;
  return {
    metrics,
    smtpGuard: new SmtpGuard(s.config, metrics, s.events, s.log.child({ component: 'smtp' })),
    admins,
    queue,
    webhooks,
    probeDatabase() {
      // One probe at a time: a stuck database must not pile up write attempts.
      probing ??= probeDatabase(s.db).finally(() => (probing = null));
      return probing;
    },
    probeScanners(timeoutMs) {
      if (!s.scanner) return Promise.resolve([]);
      probingScanners ??= s.scanner.probe(AbortSignal.timeout(timeoutMs)).finally(() => (probingScanners = null));
      return probingScanners;
    },
    async stop() {
      await learning?.stop();
      unrecord();
      unpromote();
      await worker?.stop();
      // Events published just before stop still reach the outbox.
      await Promise.allSettled([...pending]);
    },
  };
}
