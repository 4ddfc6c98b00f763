// GET /health: liveness and the few numbers an operator checks first. 503
// with status "unhealthy" when the database does not answer (a read and its
// write lock, within HEALTH_TIMEOUT) or the data directory is not writable.
// An enabled spam or virus scanner that does not answer PING makes it
// "degraded" (still 200): the API serves mail, SMTP defers new mail with 451,
// and a liveness probe must not restart ChitBox over another daemon.
import { Router } from 'express';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ScannerName, ScannerStatus } from '../../core/operations.js';
import type { Services } from '../../core/services.js';

export interface ConnectionCounts {
  active: number;
  total: number;
}

/** a health check answers within this, even when the database hangs */
const HEALTH_TIMEOUT_MS = 3_000;

export function healthRoutes(
  s: Services, version: string, connections: () => ConnectionCounts, probeDatabase: () => Promise<void> = () => s.db.ping(),
  probeScanners: (timeoutMs: number) => Promise<ScannerStatus[]> = async () => [],
): Router {
  const r = Router();
  const startedAt = Date.now();
  r.get('/', async (_req, res) => {
    const [problems, scanners] = await Promise.all([checks(s, probeDatabase), scannerStates(probeScanners)]);
    const down = Object.entries(scanners).filter(([, state]) => state === 'down').map(([name]) => name);
    const healthy = problems.length === 0;
    const mem = process.memoryUsage();
    res.status(healthy ? 200 : 503).json({
      status: !healthy ? 'unhealthy' : down.length > 0 ? 'degraded' : 'healthy',
      version,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      connections: connections(),
      memory: { allocated_mb: mb(mem.rss), heap_mb: mb(mem.heapUsed) },
      scanners,
      ...(problems.length + down.length > 0 ? { problems: [...problems, ...down] } : {}),
    });
  });
  return r;
}

/** "off" when not configured; a PING that fails or takes longer than HEALTH_TIMEOUT is "down". */
async function scannerStates(probe: (timeoutMs: number) => Promise<ScannerStatus[]>): Promise<Record<ScannerName, 'up' | 'down' | 'off'>> {
  const states: Record<ScannerName, 'up' | 'down' | 'off'> = { spamassassin: 'off', clamav: 'off' };
  for (const r of await probe(HEALTH_TIMEOUT_MS)) states[r.scanner] = r.up ? 'up' : 'down';
  return states;
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
