// When a read is tried again by itself: while the server restarts (`npm run
// dev` after an edit, a deploy), the proxy in front of it answers 502/503/504
// and a direct connection fails outright. Those pass within seconds, so reads
// wait and retry with back-off instead of showing "the server had a problem".
// Writes are never repeated on their own: a POST that reached the server
// before the connection broke may have been done already.

/** Waits between attempts: doubling from 250 ms up to 5 s, about two minutes in all. */
export const RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 4000, ...Array<number>(22).fill(5000)];

/** 0 is "no HTTP answer at all" (connection refused, offline). */
export function isRetriableStatus(status: number): boolean {
  return status === 0 || status === 502 || status === 503 || status === 504;
}

export function isRetriableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** The wait before attempt `attempt + 1` (attempt counts from 1), or null when it is time to give up. */
export function retryDelay(attempt: number, delays: readonly number[] = RETRY_DELAYS_MS): number | null {
  return delays[attempt - 1] ?? null;
}
