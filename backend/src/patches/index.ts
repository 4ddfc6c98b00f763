// Every change ChitBox makes to a library from outside, installed explicitly
// by a composition root: app.ts for the main thread (smtp-server, imap-core), the parse thread for
// its own copy of mailparser's decoder. Each patch checks the exact library
// version it was written for and refuses to start on another.
import { errorReportsPatch, type ImapErrorReport } from './imap-core-error-reports.js';
import { literalPlusPatch } from './imap-core-literal-plus.js';
import { lineBase64DecoderPatch } from './libbase64-line-decoder.js';
import type { Patch } from './patch.js';
import { chunkingPatch } from './smtp-server-chunking.js';
import { connectionsPatch } from './smtp-server-connections.js';
import { enhancedStatusPatch } from './smtp-server-enhanced-status.js';
import { relayTricksPatch, type RelayDeniedReply } from './smtp-server-relay-tricks.js';

export { PatchVersionError } from './patch.js';

/**
 * The main thread's patches: smtp-server's replies, its connection
 * bookkeeping and CHUNKING (BDAT), imap-core's LITERAL+ and error reports. Returns what undoes them (tests).
 */
export function installServerPatches(relayDenied: () => RelayDeniedReply, imapErrors: ImapErrorReport = () => undefined): () => void {
  return install([enhancedStatusPatch, relayTricksPatch(relayDenied), connectionsPatch, chunkingPatch, literalPlusPatch, errorReportsPatch(imapErrors)]);
}

/** A parse thread's patches: mailparser's base64 decoding. Returns what undoes them (tests). */
export function installParserPatches(): () => void {
  return install([lineBase64DecoderPatch]);
}

function install(patches: Patch[]): () => void {
  const undo = patches.map((patch) => patch.install());
  return () => undo.reverse().forEach((u) => u());
}
