// GET /health: liveness and the few numbers an operator checks first; 503
// with status "unhealthy" and the problems named when the core's health
// check fails (core/health.ts). An enabled spam or virus scanner that does
// not answer makes it "degraded", still 200, with the scanner named; so does
// Redis down. It names the instance, the database engine and Redis's state.
import { Router } from 'express';
import type { Core } from '../../core/core.js';

export interface ConnectionCounts {
  active: number;
  total: number;
}

export function healthRoutes(core: Pick<Core, 'health'>, version: string, connections: () => ConnectionCounts): Router {
  const r = Router();
  const startedAt = Date.now();
  r.get('/', async (_req, res) => {
    const report = await core.health.check();
    const mem = process.memoryUsage();
    res.status(report.healthy ? 200 : 503).json({
      status: !report.healthy ? 'unhealthy' : report.degraded ? 'degraded' : 'healthy',
      version,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      connections: connections(),
      memory: { allocated_mb: mb(mem.rss), heap_mb: mb(mem.heapUsed) },
      pipeline: { in_flight: report.pipeline.inFlight, oldest_ms: report.pipeline.oldestMs },
      scanners: report.scanners,
      instance: report.instance,
      database: report.database,
      redis: report.redis,
      ...(report.problems.length > 0 ? { problems: report.problems } : {}),
    });
  });
  return r;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
