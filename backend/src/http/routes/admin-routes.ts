// /api/admin: stats, users, outbound queue, and the seed's /stats,
// /api/users, /api/queue. Bearer JWT or HTTP Basic; admins only, except that
// a user may read and update their own account (not their role, quota or
// enabled flag). Field names follow the operations API operators already
// script against (snake_case).
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { AccountRecord, QueueRow, UserRecord } from '../../core/model.js';
import { conflict, forbidden, notFound } from '../../shared/app-error.js';
import { caller, requireAdmin, requireCaller } from '../admin-auth.js';
import { idParam, parseInput } from '../validate.js';

// `after` (the previous page's next_after) pages on the primary key; offset
// is kept for scripts that use it, but walks every row it skips.
export const offsetQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  after: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const nextAfter = (items: Array<{ id: number }>, limit: number) => (items.length === limit ? items[items.length - 1]!.id : null);
export const queueQuery = offsetQuery.extend({ status: z.enum(['pending', 'sending', 'retry', 'sent', 'failed']).optional() });
export const domainBody = z.object({ domain: z.string().min(1).max(253) }).strict();
export const domainParam = z.object({ domain: z.string().min(1).max(253) });
/** an email address or a username */
export const userParam = z.object({ user: z.string().min(1).max(320) });
const quota = z.number().int().min(0).max(1_048_576).nullable();
export const createBody = z
  .object({
    email: z.string().max(320),
    username: z.string().max(64).nullish(),
    password: z.string().max(1024),
    name: z.string().max(200).nullish(),
    role: z.enum(['user', 'admin']).optional(),
    quota_mb: quota.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export const updateBody = z
  .object({
    email: z.string().max(320).optional(),
    name: z.string().max(200).nullable().optional(),
    password: z.string().max(1024).optional(),
    role: z.enum(['user', 'admin']).optional(),
    quota_mb: quota.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

/**
 * /api/admin/{stats,users,queue}, and the same handlers at the seed's paths
 * (/stats, /api/users, /api/queue: mounted by http-app.ts from seedAdminRoutes):
 * one implementation, two routes.
 */
export function adminRoutes(core: AdminCore, connections: () => { active: number; total: number }): Router {
  const r = Router();
  r.use(requireCaller(core));
  r.use('/stats', statsRoutes(core, connections));
  r.use('/users', userRoutes(core));
  r.use('/queue', queueRoutes(core));
  r.use('/domains', domainRoutes(core));
  return r;
}

/** The seed's paths for the same handlers, each behind the same authentication. */
export function seedAdminRoutes(core: AdminCore, connections: () => { active: number; total: number }): { stats: Router; users: Router; queue: Router } {
  const authed = (routes: Router) => Router().use(requireCaller(core), routes);
  return { stats: authed(statsRoutes(core, connections)), users: authed(userRoutes(core)), queue: authed(queueRoutes(core)) };
}

type AdminCore = Pick<Core, 'accounts' | 'admin' | 'metrics'>;

function statsRoutes(core: AdminCore, connections: () => { active: number; total: number }): Router {
  const r = Router();
  const a = core.admin;
  r.get('/', requireAdmin(core), async (_req, res) => {
    const [storage, queue] = await Promise.all([a.storageUsage(), a.queueCounts()]);
    // received/rejected/failed-to-store count since start; the queue numbers are the table's.
    const t = core.metrics.totals;
    const current = connections();
    const scanners = a.scannersEnabled();
    const performance = core.metrics.processingSummary();
    res.json({
      messages: {
        received: t.received,
        rejected: t.rejected,
        sent: queue.sent ?? 0,
        queued: (queue.pending ?? 0) + (queue.retry ?? 0) + (queue.sending ?? 0),
        failed: t.failed + (queue.failed ?? 0),
      },
      connections: { current: current.active, total: current.total, rejected: t.connectionsRejected },
      authentication: { attempts: t.authAttempts, successful: t.authSucceeded, failed: t.authFailed },
      storage: {
        messages_stored: storage.messagesStored,
        total_size_mb: Math.round((storage.totalBytes / 1024 / 1024) * 1000) / 1000,
        total_size_bytes: storage.totalBytes,
      },
      // The seed's names for the processing times of recent messages (ms, SMTP DATA to stored).
      avg_processing_ms: performance.avg_ms,
      p95_processing_ms: performance.p95_ms,
      p99_processing_ms: performance.p99_ms,
      // Detection counts since start; rate is the share of the messages that scanner looked at.
      spam: { enabled: scanners.spamassassin, scanned: t.spamScanned, detected: t.spamDetected, rejected: t.spamRejected, rate: rate(t.spamDetected, t.spamScanned) },
      virus: { enabled: scanners.clamav, scanned: t.virusScanned, detected: t.virusDetected, rate: rate(t.virusDetected, t.virusScanned) },
      scanner_failures: t.scannerFailures,
      performance,
    });
  });
  return r;
}

function userRoutes(core: AdminCore): Router {
  const r = Router();
  const a = core.admin;
  const adminOnly = requireAdmin(core);
  /** An admin, or the user named (by email or username) asking about themself; others learn nothing, not even existence. */
  const mayRead = async (req: Request): Promise<{ me: UserRecord; account: AccountRecord }> => {
    const { user } = parseInput(userParam, req.params, 'path');
    const me = caller(req);
    if (a.isAdmin(me)) return { me, account: await a.findAccount(user) };
    const account = await a.findAccount(user).catch(() => null);
    if (!account || account.id !== me.id) throw forbidden('admin_required', 'this needs an admin account');
    return { me, account };
  };

  r.get('/', adminOnly, async (req, res) => {
    const { offset, after, limit } = parseInput(offsetQuery, req.query, 'query');
    const { users, total } = await a.listAccounts(offset, limit, after ?? null);
    res.json({ users: users.map((u) => a.present(u)), total, offset, limit, next_after: nextAfter(users, limit) });
  });

  r.post('/', adminOnly, async (req, res) => {
    const body = parseInput(createBody, req.body ?? {}, 'body');
    const { account } = await a.createAccount({
      email: body.email, username: body.username, password: body.password, name: body.name, role: body.role,
      quotaMb: body.quota_mb, enabled: body.enabled,
    });
    res.status(201).json({ user: a.present(account) });
  });

  r.get('/:user', async (req, res) => {
    const { account } = await mayRead(req);
    res.json({ user: await a.detail(account) });
  });

  r.put('/:user', async (req, res) => {
    const { me, account } = await mayRead(req);
    const body = parseInput(updateBody, req.body ?? {}, 'body');
    const updated = await a.updateAccount(me, account.email, {
      email: body.email, name: body.name, password: body.password, role: body.role, quotaMb: body.quota_mb, enabled: body.enabled,
    });
    res.json({ user: a.present(updated) });
  });

  r.delete('/:user', adminOnly, async (req, res) => {
    const { user } = parseInput(userParam, req.params, 'path');
    await a.deleteAccount(caller(req), (await a.findAccount(user)).email);
    res.status(204).end();
  });
  return r;
}

function queueRoutes(core: AdminCore): Router {
  const r = Router();
  const a = core.admin;
  r.use(requireAdmin(core));
  r.get('/', async (req, res) => {
    const { status, offset, after, limit } = parseInput(queueQuery, req.query, 'query');
    const { items, total } = await a.queuePage(status, offset, limit, after ?? null);
    res.json({ messages: items.map(presentQueueRow), total, offset, limit, next_after: nextAfter(items, limit) });
  });

  r.post('/:id/retry', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const result = await a.retryQueued(id);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound('queued message');
      throw conflict(result.reason === 'in_progress' ? 'queue_in_progress' : 'queue_already_sent',
        result.reason === 'in_progress' ? 'the message is being sent right now' : 'the message was already sent');
    }
    res.json({ message: presentQueueRow(result.row) });
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const result = await a.dropQueued(id);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound('queued message');
      throw conflict('queue_in_progress', 'the message is being sent right now');
    }
    res.status(204).end();
  });
  return r;
}

/** Local domains: MAIL_DOMAINS (source "config") and those added here (source "admin"). */
function domainRoutes(core: AdminCore): Router {
  const r = Router();
  const a = core.admin;
  r.use(requireAdmin(core));
  r.get('/', async (_req, res) => {
    res.json({ domains: await a.listDomains() });
  });

  r.post('/', async (req, res) => {
    const { domain } = parseInput(domainBody, req.body ?? {}, 'body');
    const result = await a.addDomain(domain);
    res.status(result.added ? 201 : 200).json(result);
  });

  r.delete('/:domain', async (req, res) => {
    const { domain } = parseInput(domainParam, req.params, 'path');
    if (!(await a.removeDomain(domain))) throw notFound(`local domain ${domain}`);
    res.status(204).end();
  });
  return r;
}

function presentQueueRow(q: QueueRow) {
  return {
    id: q.id, user_id: q.userId, from: q.mailFrom, recipients: q.recipients, size_bytes: q.sizeBytes,
    status: q.status, attempts: q.attempts, next_attempt_at: q.nextAttemptAt.toISOString(),
    last_error: q.lastError, created_at: q.createdAt.toISOString(),
  };
}
