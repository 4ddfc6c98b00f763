// Per request: an id (X-Request-Id, kept when a proxy sent a sane one), a
// child logger carrying it, one access-log line, and the duration metric by
// route pattern (never the raw URL, so ids do not explode the label set).
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../core/metrics.js';
import type { Logger } from '../shared/logger.js';

const LOG = Symbol('chitbox.log');

export function requestContext(log: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    const child = log.child({ reqId: id });
    (req as Request & { [LOG]?: Logger })[LOG] = child;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      metrics.httpRequest(req.method, route, res.statusCode, seconds);
      // The path only: query strings may carry search words, never logged.
      child.info({ method: req.method, path: req.originalUrl.split('?')[0], route, status: res.statusCode, ms: Math.round(seconds * 1000), ip: req.ip }, 'http request');
    });
    next();
  };
}

export function requestLog(req: Request, fallback: Logger): Logger {
  return (req as Request & { [LOG]?: Logger })[LOG] ?? fallback;
}

function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern === '/' && req.baseUrl ? '' : pattern}`;
  return req.path.startsWith('/socket.io') ? '/socket.io' : 'unmatched';
}
