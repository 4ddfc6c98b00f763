// Entry point of every ChitBox worker thread; it loads the worker module named
// in workerData.module. From TypeScript sources (development, tests) it first
// registers the TypeScript loader in this thread: a worker does not get the
// parent's loader under every runner. The compiled build (npm run build:api)
// loads plain JavaScript and skips that, and the memory it costs.
import { workerData } from 'node:worker_threads';

if (workerData.module.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.module);
