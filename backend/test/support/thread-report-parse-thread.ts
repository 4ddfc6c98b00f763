// A parse thread for the ParsePool tests: answers, as the subject, which
// thread it is and how large its young generation grows.
import { getHeapSpaceStatistics } from 'node:v8';
import { parentPort, threadId } from 'node:worker_threads';
import type { ParseRequest } from '../../src/mail/parse-pool/parse-wire.js';
import type { ParsedMessage } from '../../src/mail/parsed-message.js';
import { serveRequests } from '../../src/shared/worker-rpc.js';

let newSpaceBytes: number | null = null;

/** Objects that survive a few scavenges, so V8 grows the new space to its limit. */
function grownNewSpaceBytes(): number {
  let kept: object[] = [];
  for (let i = 0; i < 3_000_000; i++) {
    kept.push({ i });
    if (kept.length > 200_000) kept = [];
  }
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}

serveRequests(parentPort!, (message) => message as ParseRequest, (): ParsedMessage => {
  newSpaceBytes ??= grownNewSpaceBytes();
  return {
    messageId: null, inReplyTo: null, references: [], from: { address: '', name: '' }, to: [], cc: [],
    subject: JSON.stringify({ threadId, newSpaceBytes }), date: null, text: '', html: null, attachments: [], parseError: null,
  };
});
