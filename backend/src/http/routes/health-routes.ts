// GET /health: liveness and the few numbers an operator checks first.
import { Router } from 'express';
import fs from 'node:fs/promises';
import type { Services } from '../../core/services.js';

export interface ConnectionCounts {
  active: number;
  total: number;
}

export function healthRoutes(s: Services, version: string, connections: () => ConnectionCounts): Router {
  const r = Router();
  const startedAt = Date.now();
  r.get('/', async (_req, res) => {
    const healthy = await checks(s);
    const mem = process.memoryUsage();
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'healthy' : 'unhealthy',
      version,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      connections: connections(),
      memory: { allocated_mb: mb(mem.rss), heap_mb: mb(mem.heapUsed) },
    });
  });
  return r;
}

async function checks(s: Services): Promise<boolean> {
  try {
    await s.db.ping();
    await fs.access(s.config.dataDir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
