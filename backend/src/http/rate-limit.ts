// HTTP rate limits per client IP with the contract's X-RateLimit-Limit,
// -Remaining and -Reset (Reset in epoch seconds), the IETF RateLimit headers
// beside them (draft 7: RateLimit + RateLimit-Policy), and 429 + Retry-After
// in the contract's error shape. Register has its own, stricter budget per IP; login's limits are the
// core's login guard (shared with SMTP AUTH, counted before the password
// check). Loopback is exempt by default (RATE_LIMIT_LOOPBACK_EXEMPT).
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config/config.js';
import type { CounterStore } from '../core/counters.js';
import type { Metrics } from '../core/metrics.js';
import { limitsApply } from '../core/rate-limits.js';
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
    legacyHeaders: true,
    skipSuccessfulRequests: opts.skipSuccessful ?? false,
    // Counted where the SMTP limits are: shared by every instance with REDIS_URL.
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

/** Register: per IP, every request. */
export function registerRateLimit(config: Config, metrics: Metrics, counters: CounterStore): RequestHandler {
  return limiter(config, metrics, counters, 'auth_ip', { windowMs: config.rateLimits.authWindowMs, limit: config.rateLimits.authPerIp });
}
