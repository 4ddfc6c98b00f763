// Is ChitBox able to take mail? The database answers reads and can take its
// write lock, the data directory takes a write, and no delivery has been in
// progress for longer than every deadline on its way (a stalled pipeline).
// Each check answers within HEALTH_CHECK_TIMEOUT_MS, even when the database hangs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { MailStore } from '../storage/mail-store.js';
import type { PipelineWatch } from './pipeline-watch.js';

export interface HealthReport {
  healthy: boolean;
  /** what is wrong: database, data_dir, pipeline_stalled */
  problems: string[];
  pipeline: { inFlight: number; oldestMs: number };
}

export interface HealthDeps {
  config: Pick<Config, 'dataDir' | 'health'>;
  store: Pick<MailStore, 'probe'>;
  pipeline: PipelineWatch;
}

const HEALTH_CHECK_TIMEOUT_MS = 3_000;

export class HealthCheck {
  private probing: Promise<void> | null = null;

  constructor(private readonly deps: HealthDeps) {}

  async check(): Promise<HealthReport> {
    const [db, dir] = await Promise.allSettled([
      withTimeout(this.probeDatabase(), HEALTH_CHECK_TIMEOUT_MS),
      withTimeout(dataDirWritable(this.deps.config.dataDir), HEALTH_CHECK_TIMEOUT_MS),
    ]);
    const problems: string[] = [];
    if (db.status === 'rejected') problems.push('database');
    if (dir.status === 'rejected') problems.push('data_dir');
    const pipeline = this.deps.pipeline.status();
    if (pipeline.oldestMs > this.deps.config.health.stallMs) problems.push('pipeline_stalled');
    return { healthy: problems.length === 0, problems, pipeline };
  }

  /** One probe at a time: a stuck database must not pile up write attempts. */
  probeDatabase(): Promise<void> {
    this.probing ??= this.deps.store.probe().finally(() => (this.probing = null));
    return this.probing;
  }
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
