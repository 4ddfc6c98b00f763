import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['backend/test/**/*.test.ts'],
    environment: 'node',
    // CHITBOX_TEST_DATABASE=postgresql: each data directory's PostgreSQL database is dropped after its file.
    setupFiles: ['backend/test/support/test-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file starts its own servers on port 0 with its own data directory.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
