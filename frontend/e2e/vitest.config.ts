// End-to-end tests: real backend (spawned), built inbox, Debian Chromium via
// playwright-core. One file at a time: each starts its own servers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const e2eDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: e2eDir,
  test: {
    environment: 'node',
    include: ['**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
