// Entry point of every ChitBox worker thread. Registers the TypeScript loader
// in this thread (a worker does not get the parent's loader under every
// runner, e.g. the test runner), then loads the worker module named in
// workerData.module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
