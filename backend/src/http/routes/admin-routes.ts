// /api/admin: stats, users, outbound queue. Bearer JWT or HTTP Basic; admins
// only, except that a user may read and update their own account (not their
// role, quota or enabled flag). Field names follow the operations API
// operators already script against (snake_case).
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { QueueRow } from '../../core/model.js';
import { conflict, forbidden, notFound } from '../../shared/app-error.js';
import { caller, requireAdmin, requireCaller } from '../admin-auth.js';
import { idParam, parseInput } from '../validate.js';

// `after` (the previous page's next_after) pages on the primary key; offset
// is kept for scripts that use it, but walks every row it skips.
const offsetQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  after: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const nextAfter = (items: Array<{ id: number }>, limit: number) => (items.length === limit ? items[items.length - 1]!.id : null);
const queueQuery = offsetQuery.extend({ status: z.enum(['pending', 'sending', 'retry', 'sent', 'failed']).optional() });
const emailParam = z.object({ email: z.string().min(3).max(320) });
const domainBody = z.object({ domain: z.string().min(1).max(253) }).strict();
const domainParam = z.object({ domain: z.string().min(1).max(253) });
const quota = z.number().int().min(0).max(1_048_576).nullable();
const createBody = z
  .object({
    email: z.string().max(320),
    password: z.string().max(1024),
    name: z.string().max(200).nullish(),
    role: z.enum(['user', 'admin']).optional(),
    quota_mb: quota.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
const updateBody = z
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

export function adminRoutes(core: Pick<Core, 'accounts' | 'admin' | 'metrics'>, connections: () => { active: number; total: number }): Router {
  const r = Router();
  const a = core.admin;
  const adminOnly = requireAdmin(core);
  r.use(requireCaller(core));

  r.get('/stats', adminOnly, async (_req, res) => {
    const [storage, queue] = await Promise.all([a.storageUsage(), a.queueCounts()]);
    // received/rejected/failed-to-store count since start; the queue numbers are the table's.
    const t = core.metrics.totals;
    const current = connections();
    const scanners = a.scannersEnabled();
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
      // Detection counts since start; rate is the share of the messages that scanner looked at.
      spam: { enabled: scanners.spamassassin, scanned: t.spamScanned, detected: t.spamDetected, rejected: t.spamRejected, rate: rate(t.spamDetected, t.spamScanned) },
      virus: { enabled: scanners.clamav, scanned: t.virusScanned, detected: t.virusDetected, rate: rate(t.virusDetected, t.virusScanned) },
      scanner_failures: t.scannerFailures,
      performance: core.metrics.processingSummary(),
    });
  });

  r.get('/users', adminOnly, async (req, res) => {
    const { offset, after, limit } = parseInput(offsetQuery, req.query, 'query');
    const { users, total } = await a.listAccounts(offset, limit, after ?? null);
    res.json({ users: users.map((u) => a.present(u)), total, offset, limit, next_after: nextAfter(users, limit) });
  });

  r.post('/users', adminOnly, async (req, res) => {
    const body = parseInput(createBody, req.body ?? {}, 'body');
    const { account } = await a.createAccount({
      email: body.email, password: body.password, name: body.name, role: body.role, quotaMb: body.quota_mb, enabled: body.enabled,
    });
    res.status(201).json({ user: a.present(account) });
  });

  r.get('/users/:email', async (req, res) => {
    const { email } = parseInput(emailParam, req.params, 'path');
    const me = caller(req);
    // A non-admin asking about someone else learns nothing, not even existence.
    if (!a.isAdmin(me) && me.email !== email.toLowerCase()) throw forbidden('admin_required', 'this needs an admin account');
    res.json({ user: a.present(await a.findAccount(email)) });
  });

  r.put('/users/:email', async (req, res) => {
    const { email } = parseInput(emailParam, req.params, 'path');
    const me = caller(req);
    if (!a.isAdmin(me) && me.email !== email.toLowerCase()) throw forbidden('admin_required', 'this needs an admin account');
    const body = parseInput(updateBody, req.body ?? {}, 'body');
    const account = await a.updateAccount(me, email, {
      email: body.email, name: body.name, password: body.password, role: body.role, quotaMb: body.quota_mb, enabled: body.enabled,
    });
    res.json({ user: a.present(account) });
  });

  r.delete('/users/:email', adminOnly, async (req, res) => {
    const { email } = parseInput(emailParam, req.params, 'path');
    await a.deleteAccount(caller(req), email);
    res.status(204).end();
  });

  // Local domains: MAIL_DOMAINS (source "config") and those added here (source "admin").
  r.get('/domains', adminOnly, async (_req, res) => {
    res.json({ domains: await a.listDomains() });
  });

  r.post('/domains', adminOnly, async (req, res) => {
    const { domain } = parseInput(domainBody, req.body ?? {}, 'body');
    const result = await a.addDomain(domain);
    res.status(result.added ? 201 : 200).json(result);
  });

  r.delete('/domains/:domain', adminOnly, async (req, res) => {
    const { domain } = parseInput(domainParam, req.params, 'path');
    if (!(await a.removeDomain(domain))) throw notFound(`local domain ${domain}`);
    res.status(204).end();
  });

  r.get('/queue', adminOnly, async (req, res) => {
    const { status, offset, after, limit } = parseInput(queueQuery, req.query, 'query');
    const { items, total } = await a.queuePage(status, offset, limit, after ?? null);
    res.json({ messages: items.map(presentQueueRow), total, offset, limit, next_after: nextAfter(items, limit) });
  });

  r.post('/queue/:id/retry', adminOnly, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const result = await a.retryQueued(id);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound('queued message');
      throw conflict(result.reason === 'in_progress' ? 'queue_in_progress' : 'queue_already_sent',
        result.reason === 'in_progress' ? 'the message is being sent right now' : 'the message was already sent');
    }
    res.json({ message: presentQueueRow(result.row) });
  });

  r.delete('/queue/:id', adminOnly, async (req, res) => {
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

function presentQueueRow(q: QueueRow) {
  return {
    id: q.id, user_id: q.userId, from: q.mailFrom, recipients: q.recipients, size_bytes: q.sizeBytes,
    status: q.status, attempts: q.attempts, next_attempt_at: q.nextAttemptAt.toISOString(),
    last_error: q.lastError, created_at: q.createdAt.toISOString(),
  };
}
