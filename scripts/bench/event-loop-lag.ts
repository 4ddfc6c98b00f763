// Event-loop lag as the benches report it. perf_hooks' monitorEventLoopDelay
// (which prom-client's nodejs_eventloop_lag_* gauges read, sampling every
// 10 ms) records the whole time between two samples, so an idle loop reads
// about the sampling interval: the lag is what exceeds it.
import type { IntervalHistogram } from 'node:perf_hooks';

/** prom-client's default eventLoopMonitoringPrecision, which ChitBox keeps. */
export const PROM_SAMPLE_MS = 10;

/** The p99 lag in ms from a /metrics text: the recorded p99 less the sampling interval. */
export function lagP99FromMetrics(text: string): number {
  const recorded = Number(/^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1]) * 1000;
  return Math.max(0, recorded - PROM_SAMPLE_MS);
}

/** A percentile of a histogram sampled every resolutionMs, less that interval, in ms. */
export function delayBeyondInterval(h: IntervalHistogram, percentile: number, resolutionMs: number): number {
  return Math.max(0, h.percentile(percentile) / 1e6 - resolutionMs);
}
