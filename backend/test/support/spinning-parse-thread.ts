// A parse thread for the ParsePool tests: parses like the real one, except
// that a message starting with "SPIN" computes forever (a parse that never
// yields, which only ending its thread stops).
import { parentPort } from 'node:worker_threads';
import { parseMessage } from '../../src/mail/parse-message.js';
import { answerTransfer, movableAnswer, type ParseRequest } from '../../src/mail/parse-pool/parse-wire.js';
import { serveRequests } from '../../src/shared/worker-rpc.js';

serveRequests(
  parentPort!,
  (message) => message as ParseRequest,
  async ({ raw }) => {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (bytes.subarray(0, 4).toString('latin1') === 'SPIN') for (;;);
    return movableAnswer(await parseMessage(bytes));
  },
  { transferOf: answerTransfer },
);
