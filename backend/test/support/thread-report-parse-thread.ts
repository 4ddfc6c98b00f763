// A parse thread for the ParsePool tests: answers, as the subject, which
// thread it is and how large its young generation grows.
import { parentPort, threadId } from 'node:worker_threads';
import type { ParseRequest } from '../../src/mail/parse-pool/parse-wire.js';
import type { ParsedMessage } from '../../src/mail/parsed-message.js';
import { serveRequests } from '../../src/shared/worker-rpc.js';
import { grownNewSpaceBytes } from './grow-new-space.js';

let newSpaceBytes: number | null = null;

serveRequests(parentPort!, (message) => message as ParseRequest, (): ParsedMessage => {
  newSpaceBytes ??= grownNewSpaceBytes();
  return {
    messageId: null, inReplyTo: null, references: [], from: { address: '', name: '' }, to: [], cc: [],
    subject: JSON.stringify({ threadId, newSpaceBytes }), date: null, text: '', html: null, attachments: [], parseError: null,
  };
});
