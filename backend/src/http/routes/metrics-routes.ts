// GET /metrics: Prometheus text. Loopback only unless METRICS_ALLOW names the
// scraper's address (or "*"); behind the web inbox proxy req.ip is the real
// client (TRUST_PROXY), so the proxy does not open it up.
import { Router } from 'express';
import type { Config } from '../../config/config.js';
import type { Metrics } from '../../core/metrics.js';
import { isLoopbackAddress } from '../../core/rate-limits.js';
import { forbidden } from '../../shared/app-error.js';

export function metricsRoutes(config: Config, metrics: Metrics): Router {
  const r = Router();
  const allow = new Set(config.metrics.allow);
  r.get('/', async (req, res) => {
    const ip = (req.ip ?? '').replace(/^::ffff:/i, '');
    if (!isLoopbackAddress(ip) && !allow.has('*') && !allow.has(ip)) {
      throw forbidden('metrics_forbidden', 'metrics are served to loopback and METRICS_ALLOW addresses only');
    }
    res.set('Content-Type', metrics.contentType).send(await metrics.render());
  });
  return r;
}
