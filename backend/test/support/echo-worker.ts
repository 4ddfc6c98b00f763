// A worker for the WorkerRpc tests: echoes, fails, or dies on request.
import { parentPort } from 'node:worker_threads';
import { serveRequests, workerOptions } from '../../src/shared/worker-rpc.js';
import { grownNewSpaceBytes } from './grow-new-space.js';

interface Request {
  id: number;
  action: 'echo' | 'fail' | 'die' | 'batchSize' | 'unsendable' | 'hang' | 'youngGeneration';
  value?: unknown;
}

const prefix = workerOptions<{ prefix: string }>().prefix;

// How many requests arrived in the message being handled (WorkerRpc batches a turn's requests).
let lastBatchSize = 0;
parentPort!.on('message', (message: unknown) => {
  if (Array.isArray(message)) lastBatchSize = message.length;
});

serveRequests(
  parentPort!,
  (message) => message as Request,
  (request: Request) => {
    if (request.action === 'die') process.exit(3);
    if (request.action === 'hang') return new Promise(() => undefined);
    if (request.action === 'batchSize') return lastBatchSize;
    if (request.action === 'youngGeneration') return grownNewSpaceBytes();
    if (request.action === 'unsendable') return () => 'a function cannot be cloned';
    if (request.action === 'fail') throw Object.assign(new Error('asked to fail'), { code: 'E_ASKED' });
    return `${prefix}${String(request.value)}`;
  },
);
