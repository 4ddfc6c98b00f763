// Runs in a parse worker thread (parse-pool.ts): bytes in, a ParsedMessage
// out. Here a parse that never settles, or never stops computing, costs only
// this thread, which the pool ends and replaces.
import { parentPort } from 'node:worker_threads';
import { installParserPatches } from '../../patches/index.js';
import { serveRequests } from '../../shared/worker-rpc.js';
import { parseMessage } from '../parse-message.js';
import { messageSearchText } from '../search/message-search-text.js';
import { answerTransfer, movableAnswer, type ParseRequest } from './parse-wire.js';

// This thread's own copy of mailparser: same output, a fraction of the CPU on
// big attachments (patches/libbase64-line-decoder.ts).
installParserPatches();

serveRequests(
  parentPort!,
  (message) => message as ParseRequest,
  async ({ raw }) => {
    const parsed = await parseMessage(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    parsed.searchText = messageSearchText(parsed);
    return movableAnswer(parsed);
  },
  { transferOf: answerTransfer },
);
