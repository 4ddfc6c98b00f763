// The backend suite's second run, on PostgreSQL (and Redis, when
// CHITBOX_TEST_REDIS_URL is set), as .ci/run does it: `npm run test:api:postgresql`.
//
// Only the test files whose run depends on that choice: those that read
// CHITBOX_TEST_DATABASE or CHITBOX_TEST_REDIS_URL, or import, at any depth
// under backend/test, a module that does (pg-test-db.ts, hence the test
// servers, child servers and database peeks). The rest (parsing, patches,
// config, password hashing, the scanners' protocols, and the PostgreSQL-only
// tests, which use PostgreSQL in the first run already) would only repeat
// their first run. A new file is classified by the same reading, so a file
// that starts a server runs on both engines without anyone listing it.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TEST_DIR = path.join(ROOT, 'backend/test');
const READS_THE_RUN = /CHITBOX_TEST_(DATABASE|REDIS_URL)\b/;
// Static, dynamic and re-exporting imports of our own modules.
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceOf(file: string): string | null {
  for (const candidate of [file, file.replace(/\.js$/, '.ts'), `${file}.ts`, path.join(file, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const follows = new Map<string, boolean>();

/** Whether this module, or one it imports from backend/test, reads the run's engine. */
function followsTheRun(file: string): boolean {
  const known = follows.get(file);
  if (known !== undefined) return known;
  follows.set(file, false); // an import cycle adds nothing
  const text = fs.readFileSync(file, 'utf8');
  let result = READS_THE_RUN.test(text);
  for (const [, spec] of text.matchAll(RELATIVE_IMPORT)) {
    if (result) break;
    const target = sourceOf(path.resolve(path.dirname(file), spec!));
    if (target?.startsWith(TEST_DIR + path.sep)) result = followsTheRun(target);
  }
  follows.set(file, result);
  return result;
}

const testFiles = (fs.readdirSync(TEST_DIR, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join(TEST_DIR, f))
  .sort();

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: testFiles.filter(followsTheRun).map((f) => path.relative(ROOT, f)),
    env: { ...base.test?.env, CHITBOX_TEST_DATABASE: 'postgresql' },
  },
});
