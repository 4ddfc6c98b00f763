// /health's data directory test runs in the background (core/health.ts):
// the first check waits for it, later ones answer with the latest result and
// start a new test at most once a second, so a busy event loop cannot make
// /health wait on five file operations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { HealthCheck } from '../../src/core/health.js';
import { PipelineWatch } from '../../src/core/pipeline-watch.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function healthOf(dataDir: string, now = () => 0): HealthCheck {
  return new HealthCheck({
    now,
    config: { dataDir, health: { stallMs: 60_000 }, instance: { id: 'test' } } as unknown as Pick<Config, 'dataDir' | 'health' | 'instance'>,
    store: { probe: async () => undefined, engine: 'sqlite' },
    pipeline: new PipelineWatch(),
    scanner: null,
    redisState: () => 'off',
  });
}

const turn = () => new Promise((r) => setImmediate(r));

describe('the data directory check', () => {
  it('waits for its first result: a directory that cannot be written is a problem at once', async () => {
    const report = await healthOf(path.join(os.tmpdir(), 'chitbox-no-such-dir', 'deeper')).check();
    expect(report.healthy).toBe(false);
    expect(report.problems).toEqual(['data_dir']);
  });

  it('answers with the latest result meanwhile, and sees a change once the next test has run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-health-'));
    dirs.push(dir);
    let clock = 0;
    const health = healthOf(dir, () => clock);
    expect((await health.check()).healthy).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
    // Within the second the last result stands, and no new test was started.
    clock = 999;
    expect((await health.check()).healthy).toBe(true);
    for (let i = 0; i < 200; i++) await turn();
    expect((await health.check()).healthy).toBe(true);
    // A second on, this check starts the next test and answers with the last result; a later one reports it.
    clock = 1_000;
    expect((await health.check()).healthy).toBe(true);
    let report = await health.check();
    // Until the file operations have run (a liveness bound, not a timing).
    for (let i = 0; i < 2_000 && report.healthy; i++) {
      await new Promise((r) => setTimeout(r, 5));
      report = await health.check();
    }
    expect(report.problems).toEqual(['data_dir']);
  });
});
