import { describe, expect, it } from 'vitest';
import { isRetriableMethod, isRetriableStatus, RETRY_DELAYS_MS, retryDelay } from './retry-policy';

describe('retry policy', () => {
  it('retries only "no answer" and gateway answers, and only reads', () => {
    expect([0, 502, 503, 504].every(isRetriableStatus)).toBe(true);
    expect([400, 401, 404, 409, 429, 500].some(isRetriableStatus)).toBe(false);
    expect(isRetriableMethod('GET')).toBe(true);
    expect(['POST', 'PATCH', 'DELETE'].some(isRetriableMethod)).toBe(false);
  });

  it('backs off from 250 ms to 5 s and gives up after about two minutes', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n))).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(110_000);
    expect(total).toBeLessThanOrEqual(130_000);
    expect(retryDelay(RETRY_DELAYS_MS.length + 1)).toBeNull();
  });
});
