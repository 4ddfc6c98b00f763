// For tests of young-generation sizes: how large a thread's new space grows.
import { getHeapSpaceStatistics } from 'node:v8';

/** Allocates objects that survive a few scavenges, so V8 grows the new space to its limit; answers its size. */
export function grownNewSpaceBytes(): number {
  let kept: object[] = [];
  for (let i = 0; i < 3_000_000; i++) {
    kept.push({ i });
    if (kept.length > 200_000) kept = [];
  }
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}
