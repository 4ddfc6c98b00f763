// Is ChitBox able to take mail? The database answers reads and can take its
// write lock, the data directory takes a write, and no delivery has been in
// progress for longer than every deadline on its way (a stalled pipeline).
// An enabled spam or virus scanner that does not answer PING makes it
// degraded, not unhealthy: the API serves mail, SMTP defers new mail with 451,
// and a liveness probe must not restart ChitBox over another daemon. Redis
// down (REDIS_URL set) is degraded too: mail is accepted and stored, only
// other instances' sockets miss the events meanwhile.
// Each check answers within HEALTH_CHECK_TIMEOUT_MS, even when the database hangs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { ContentScanner, ScannerName, ScannerStatus } from '../scanning/scan-verdict.js';
import type { MailStore } from '../storage/mail-store.js';
import type { PipelineWatch } from './pipeline-watch.js';

export type ScannerState = 'up' | 'down' | 'off';
export type RedisState = 'up' | 'down' | 'off';

export interface HealthReport {
  healthy: boolean;
  /** what is wrong: database, data_dir, pipeline_stalled; and the name of each scanner that is down */
  problems: string[];
  /** healthy, but an enabled scanner does not answer */
  degraded: boolean;
  pipeline: { inFlight: number; oldestMs: number };
  /** "off" when not configured */
  scanners: Record<ScannerName, ScannerState>;
  /** which of the instances sharing the database this is */
  instance: string;
  database: MailStore['engine'];
  redis: RedisState;
}

export interface HealthDeps {
  config: Pick<Config, 'dataDir' | 'health' | 'instance'>;
  store: Pick<MailStore, 'probe' | 'engine'>;
  pipeline: PipelineWatch;
  scanner: Pick<ContentScanner, 'probe' | 'enabled'> | null;
  redisState: () => RedisState;
  /** the clock of the data directory's re-test (tests move it) */
  now?: () => number;
}

const HEALTH_CHECK_TIMEOUT_MS = 3_000;
const DATA_DIR_RECHECK_MS = 1_000;

export class HealthCheck {
  private probing: Promise<void> | null = null;
  private probingScanners: Promise<ScannerStatus[]> | null = null;
  private readonly dirCheck: { startedAt: number; running: Promise<void> | null; ok: boolean | null } = { startedAt: -Infinity, running: null, ok: null };

  constructor(private readonly deps: HealthDeps) {}

  async check(): Promise<HealthReport> {
    const [db, dir, scanned] = await Promise.allSettled([
      withTimeout(this.probeDatabase(), HEALTH_CHECK_TIMEOUT_MS),
      this.dataDirWritable(),
      this.probeScanners(),
    ]);
    const problems: string[] = [];
    if (db.status === 'rejected') problems.push('database');
    if (dir.status === 'rejected') problems.push('data_dir');
    const pipeline = this.deps.pipeline.status();
    if (pipeline.oldestMs > this.deps.config.health.stallMs) problems.push('pipeline_stalled');
    const healthy = problems.length === 0;
    const scanners = scannerStates(scanned.status === 'fulfilled' ? scanned.value : [], this.deps.scanner);
    const redis = this.deps.redisState();
    const down: string[] = (Object.keys(scanners) as ScannerName[]).filter((name) => scanners[name] === 'down');
    if (redis === 'down') down.push('redis');
    return {
      healthy, problems: [...problems, ...down], degraded: healthy && down.length > 0, pipeline, scanners,
      instance: this.deps.config.instance.id, database: this.deps.store.engine, redis,
    };
  }

  /**
   * The data directory's last write test, started again at most once a
   * second and not waited for (but the first): its file operations each wait
   * for a turn of the event loop, and under a flood of big reads those turns
   * made /health take 300-500 ms. A test that runs past the timeout fails.
   */
  private dataDirWritable(): Promise<void> {
    const dir = this.dirCheck;
    const now = (this.deps.now ?? Date.now)();
    if (!dir.running && now - dir.startedAt >= DATA_DIR_RECHECK_MS) {
      dir.startedAt = now;
      dir.running = withTimeout(dataDirWritable(this.deps.config.dataDir), HEALTH_CHECK_TIMEOUT_MS)
        .then(() => void (dir.ok = true), () => void (dir.ok = false))
        .finally(() => (dir.running = null));
    }
    const answer = () => (dir.ok ? Promise.resolve() : Promise.reject(new Error('data directory not writable')));
    return dir.ok === null && dir.running ? dir.running.then(answer) : answer();
  }

  /** One probe at a time: a stuck database must not pile up write attempts. */
  probeDatabase(): Promise<void> {
    this.probing ??= this.deps.store.probe().finally(() => (this.probing = null));
    return this.probing;
  }

  /** PING to each enabled scanner, one at a time like the database; a daemon silent for the check's timeout is down. */
  private probeScanners(): Promise<ScannerStatus[]> {
    if (!this.deps.scanner) return Promise.resolve([]);
    this.probingScanners ??= this.deps.scanner.probe(AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS)).finally(() => (this.probingScanners = null));
    return this.probingScanners;
  }
}

function scannerStates(statuses: ScannerStatus[], scanner: HealthDeps['scanner']): Record<ScannerName, ScannerState> {
  const states: Record<ScannerName, ScannerState> = { spamassassin: 'off', clamav: 'off' };
  // An enabled scanner is down until its PING says otherwise.
  for (const name of scanner?.enabled ?? []) states[name] = 'down';
  for (const s of statuses) states[s.scanner] = s.up ? 'up' : 'down';
  return states;
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
