// The Express application: JSON limits, one router per resource, the
// authentication gate, and the single error mapper at the end.
import express, { type Express } from 'express';
import type { Operations } from '../core/operations.js';
import type { Services } from '../core/services.js';
import { notFound } from '../shared/app-error.js';
import { requireUser } from './auth-middleware.js';
import { errorHandler } from './http-errors.js';
import { apiRateLimit, authRateLimits } from './rate-limit.js';
import { requestContext } from './request-context.js';
import { adminRoutes } from './routes/admin-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { attachmentRoutes } from './routes/attachment-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { composeHandlers } from './routes/compose-routes.js';
import { folderRoutes } from './routes/folder-routes.js';
import { healthRoutes, type ConnectionCounts } from './routes/health-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { threadRoutes } from './routes/thread-routes.js';

export interface HttpAppOptions {
  version: string;
  smtpConnections: () => ConnectionCounts;
  ops: Operations;
}

export function createHttpApp(s: Services, opts: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const { ops } = opts;
  app.use(requestContext(s.log, ops.metrics));
  app.use('/api', apiRateLimit(s.config, ops.metrics));
  app.use((req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
    const origin = s.config.http.corsOrigin;
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
  // Compose parses its own body (JSON or multipart, up to the SMTP size limit).
  app.post('/api/messages', requireUser(s), ...composeHandlers(s));
  app.use(express.json({ limit: s.config.http.bodyLimit, strict: true }));

  app.use('/health', healthRoutes(s, opts.version, opts.smtpConnections, () => ops.probeDatabase(), (ms) => ops.probeScanners(ms)));
  app.use('/metrics', metricsRoutes(s.config, ops.metrics));
  app.use(['/api/auth/login', '/api/auth/register'], ...authRateLimits(s.config, ops.metrics));
  app.use('/api/auth', authRoutes(s));
  app.use('/api/admin', adminRoutes(s, ops, opts.smtpConnections));
  const authed = requireUser(s);
  app.use('/api/folders', authed, folderRoutes(s));
  app.use('/api/messages', authed, messageRoutes(s));
  app.use('/api/threads', authed, threadRoutes(s));
  app.use('/api/attachments', authed, attachmentRoutes(s));
  app.use('/api/search', authed, searchRoutes(s));
  app.use('/api', (_req, _res, next) => next(notFound('endpoint')));
  app.use(errorHandler(s.log));
  return app;
}
