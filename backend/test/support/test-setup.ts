// Runs in every backend test file (vitest setupFiles): the PostgreSQL
// databases the file's servers used are dropped when it ends.
import { afterAll } from 'vitest';
import { dropTestDatabases } from './pg-test-db.js';

afterAll(async () => {
  await dropTestDatabases();
});
