// SearchRunner: a search that never finishes is stopped at its deadline
// (SearchTimedOut) without holding this thread; the search queued behind it
// runs on a fresh thread with a deadline of its own.
import { afterEach, describe, expect, it } from 'vitest';
import { SearchTimedOut, type SearchSpec } from '../../../src/storage/mail-store.js';
import { SearchRunner } from '../../../src/storage/sqlite/search/search-runner.js';

const SPINNER = new URL('../../support/spinning-search-thread.ts', import.meta.url);
const spec = (match: string | null): SearchSpec => ({
  fts5Match: match, fts5Exclude: null, folders: [], excludedFolders: [], isRead: null, isStarred: null,
  hasAttachments: null, sentOnOrAfter: null, sentBefore: null,
});

let runner: SearchRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

describe('SearchRunner', () => {
  it('stops a search at its deadline; the ones behind it and after it are answered', async () => {
    runner = new SearchRunner({ filePath: ':memory:', busyTimeoutMs: 1000 }, 200, SPINNER);
    expect(await runner.search(1, spec('"warm"'), 0, 10)).toEqual({ hits: [], more: true });
    const spinning = runner.search(1, spec('SPIN'), 0, 10);
    const behind = runner.search(2, spec('"queued"'), 0, 10);
    await expect(spinning).rejects.toBeInstanceOf(SearchTimedOut);
    expect(await behind).toEqual({ hits: [], more: true });
    expect(await runner.search(3, spec('"after"'), 0, 10)).toEqual({ hits: [], more: true });
  });
});
