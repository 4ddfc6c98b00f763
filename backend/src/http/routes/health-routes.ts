// GET /health: liveness and the few numbers an operator checks first. 503
// with status "unhealthy" when the database does not answer (a read and its
// write lock, within HEALTH_TIMEOUT), the data directory is not writable, or a
// delivery has been in progress for longer than HEALTH_STALL_MS.
import { Router } from 'express';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../core/services.js';

export interface ConnectionCounts {
  active: number;
  total: number;
}

/** a health check answers within this, even when the database hangs */
const HEALTH_TIMEOUT_MS = 3_000;

export function healthRoutes(
  s: Services, version: string, connections: () => ConnectionCounts, probeDatabase: () => Promise<void> = () => s.db.ping(),
): Router {
  const r = Router();
  const startedAt = Date.now();
  r.get('/', async (_req, res) => {
    const problems = await checks(s, probeDatabase);
    // A delivery older than every deadline on its way means intake is stuck.
    const pipeline = s.pipeline.status();
    if (pipeline.oldestMs > s.config.health.stallMs) problems.push('pipeline_stalled');
    const healthy = problems.length === 0;
    const mem = process.memoryUsage();
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'healthy' : 'unhealthy',
      version,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      connections: connections(),
      memory: { allocated_mb: mb(mem.rss), heap_mb: mb(mem.heapUsed) },
      pipeline: { in_flight: pipeline.inFlight, oldest_ms: pipeline.oldestMs },
      ...(healthy ? {} : { problems }),
    });
  });
  return r;
}

async function checks(s: Services, probeDatabase: () => Promise<void>): Promise<string[]> {
  const [db, dir] = await Promise.allSettled([
    withTimeout(probeDatabase(), HEALTH_TIMEOUT_MS),
    withTimeout(dataDirWritable(s.config.dataDir), HEALTH_TIMEOUT_MS),
  ]);
  const problems: string[] = [];
  if (db.status === 'rejected') problems.push('database');
  if (dir.status === 'rejected') problems.push('data_dir');
  return problems;
}

/** access(W_OK) says yes to root on anything; a real write says what the server can do. */
async function dataDirWritable(dir: string): Promise<void> {
  const probe = path.join(dir, `.health-${process.pid}`);
  await fs.writeFile(probe, 'ok');
  await fs.rm(probe, { force: true });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
