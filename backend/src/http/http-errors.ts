// The one place where failures become HTTP responses (STYLE.md practice 3).
import type { ErrorRequestHandler } from 'express';
import { isAppError, type ErrorKind } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { requestLog } from './request-context.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  rateLimited: 429,
  tempFail: 503,
  permFail: 422,
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isAppError(err)) {
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
      res.status(STATUS[err.kind]).json({ error: { code: err.code, message: err.message } });
      return;
    }
    // body-parser errors carry a status and a type; they are the client's fault.
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_json', message: 'request body is not valid JSON' } });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'body_too_large', message: 'request body is too large' } });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request' } });
      return;
    }
    requestLog(req, log).error({ err, method: req.method, path: req.originalUrl.split('?')[0] }, 'unhandled error in HTTP request');
    res.status(500).json({ error: { code: 'internal_error', message: 'something went wrong on our side' } });
  };
}
