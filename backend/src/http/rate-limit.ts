// HTTP rate limits per client IP with the IETF RateLimit headers (draft 7:
// RateLimit + RateLimit-Policy) and 429 + Retry-After in the contract's error
// shape. Login and register have their own, stricter budget per IP and per
// email address. Loopback is exempt by default (RATE_LIMIT_LOOPBACK_EXEMPT).
// The counts are the core's (shared by every instance with REDIS_URL).
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config/config.js';
import type { CounterStore } from '../core/counters.js';
import type { Metrics } from '../core/metrics.js';
import { limitsApply } from '../core/rate-limits.js';
import { normalizeEmail } from '../core/accounts.js';
import { CounterRateStore } from './counter-rate-store.js';

const noop: RequestHandler = (_req, _res, next) => next();

function limiter(config: Config, metrics: Metrics, counters: CounterStore, name: string, opts: {
  windowMs: number; limit: number; key?: (req: Request) => string; skipSuccessful?: boolean;
}): RequestHandler {
  if (opts.limit <= 0) return noop;
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: opts.skipSuccessful ?? false,
    store: new CounterRateStore(counters, name),
    ...(opts.key ? { keyGenerator: opts.key } : {}),
    skip: (req) => !limitsApply(req.ip, config.rateLimits.loopbackExempt),
    handler: (_req, res, _next, options) => {
      metrics.limited(name);
      res.status(options.statusCode).json({ error: { code: 'rate_limited', message: 'too many requests, try again later' } });
    },
  });
}

/** Every request to the API, per IP per minute. */
export function apiRateLimit(config: Config, metrics: Metrics, counters: CounterStore): RequestHandler {
  return limiter(config, metrics, counters, 'http', { windowMs: 60_000, limit: config.rateLimits.httpPerMinute });
}

/** Login and register: per IP, and per email address (failed attempts only). */
export function authRateLimits(config: Config, metrics: Metrics, counters: CounterStore): RequestHandler[] {
  const r = config.rateLimits;
  const emailOf = (req: Request) => {
    const raw = (req.body as { email?: unknown } | undefined)?.email;
    return `email:${(typeof raw === 'string' && normalizeEmail(raw)) || '-'}`;
  };
  return [
    limiter(config, metrics, counters, 'auth_ip', { windowMs: r.authWindowMs, limit: r.authPerIp }),
    limiter(config, metrics, counters, 'auth_email', { windowMs: r.authWindowMs, limit: r.authPerEmail, key: emailOf, skipSuccessful: true }),
  ];
}
