// The Express application: JSON limits, one router per resource, the
// authentication gate, and the single error mapper at the end.
import express, { type Express } from 'express';
import type { Config } from '../config/config.js';
import type { Core } from '../core/core.js';
import { notFound } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { requireUser } from './auth-middleware.js';
import { errorHandler } from './http-errors.js';
import { apiRateLimit, registerRateLimit } from './rate-limit.js';
import { requestContext } from './request-context.js';
import { adminRoutes, seedAdminRoutes } from './routes/admin-routes.js';
import { attachmentRoutes } from './routes/attachment-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { chatSettingsRoutes, contactRoutes, presenceRoutes } from './routes/chat-routes.js';
import { composeHandlers } from './routes/compose-routes.js';
import { folderRoutes } from './routes/folder-routes.js';
import { mailboxTransferRoutes } from './routes/mailbox-transfer-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { healthRoutes, type ConnectionCounts } from './routes/health-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { threadRoutes } from './routes/thread-routes.js';

/** The version of the API's contract (not of the server), in X-API-Version. */
export const API_VERSION = '1.0';

export interface HttpAppOptions {
  config: Config;
  log: Logger;
  version: string;
  /** the SMTP listener's connection counts, for /health and the admin stats */
  smtpConnections: () => ConnectionCounts;
}

export function createHttpApp(core: Core, opts: HttpAppOptions): Express {
  const { config, log } = opts;
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For counts only from the proxies TRUST_PROXY names (by default the
  // web inbox's own proxy on this host), never from any 127/8 client: it decides
  // rate-limit exemption and who may read /metrics.
  app.set('trust proxy', config.http.trustProxy.length ? [...config.http.trustProxy] : false);
  app.use(requestContext(log, core.metrics));
  // CONTRACT.md: every /api answer names the API version, a 429 included.
  app.use('/api', (_req, res, next) => {
    res.setHeader('X-API-Version', API_VERSION);
    next();
  });
  app.use('/api', apiRateLimit(config, core.metrics, core.counters));
  app.use((req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
    const origin = config.http.corsOrigin;
    if (origin && req.headers.origin === origin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE',
        Vary: 'Origin',
      });
      if (req.method === 'OPTIONS') return void res.status(204).end();
    }
    next();
  });
  const authed = requireUser(core);
  // Compose parses its own body (JSON or multipart, up to the SMTP size limit).
  app.post('/api/messages', authed, ...composeHandlers(core, config.smtp.maxMessageBytes));
  app.use(express.json({ limit: config.http.bodyLimit, strict: true }));

  app.use('/health', healthRoutes(core, opts.version, opts.smtpConnections));
  app.use('/metrics', metricsRoutes(config, core.metrics));
  app.use('/api/auth/register', registerRateLimit(config, core.metrics, core.counters));
  app.use('/api/auth', authRoutes(core));
  app.use('/api/admin', adminRoutes(core, opts.smtpConnections));
  // The seed's paths: the same handlers.
  const seed = seedAdminRoutes(core, opts.smtpConnections);
  app.use('/stats', seed.stats);
  app.use('/api/users', seed.users);
  app.use('/api/queue', seed.queue);
  app.use('/api/folders', authed, folderRoutes(core));
  app.use('/api/folders', authed, mailboxTransferRoutes(core));
  app.use('/api/messages', authed, messageRoutes(core));
  app.use('/api/threads', authed, threadRoutes(core));
  app.use('/api/attachments', authed, attachmentRoutes(core));
  app.use('/api/search', authed, searchRoutes(core));
  app.use('/api/presence', authed, presenceRoutes(core));
  app.use('/api/contacts', authed, contactRoutes(core));
  app.use('/api/settings/chat', authed, chatSettingsRoutes(core));
  app.use('/api', openApiRoutes(() => app, { version: opts.version, apiVersion: API_VERSION }));
  app.use('/api', (_req, _res, next) => next(notFound('endpoint')));
  app.use(errorHandler(log));
  return app;
}
