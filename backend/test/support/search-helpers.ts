// The search API as the tests ask it, and waiting for what the server does
// in the background (the search backfill).
import { expect } from 'vitest';
import type { ApiClient } from './test-server.js';

/** The subjects /api/search finds for q, sorted. */
export async function searchSubjects(api: ApiClient, q: string): Promise<string[]> {
  const res = await api.get(`/api/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.messages.map((m: { subject: string }) => m.subject).sort();
}

/** Probes until done says yes (the test's own timeout ends a wait that never does). */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}
