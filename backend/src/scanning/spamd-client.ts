// A SPAMC/1.5 client for SpamAssassin's spamd: HEADERS for the verdict (the
// Spam: line plus spamd's own X-Spam-Status, without sending the body back),
// TELL for learning, PING for health. The message Buffer is written as it is:
// no copy, no re-encoding, byte for byte what was received.
import type net from 'node:net';
import { exchange, type DaemonAddress, type ExchangeLimits } from './daemon-exchange.js';
import type { LearnAnswer, LearnClass, SpamVerdict } from './scan-verdict.js';
import { scannerFailure } from './scanner-failure.js';
import { headerValue, parseSpamdReply, parseSpamLine, spamcRequestHead, testsOf, tidyStatus, type SpamdReply } from './spamd-protocol.js';

export interface SpamdOptions extends DaemonAddress {
  connectTimeoutMs: number;
  timeoutMs: number;
}

// A HEADERS answer is the message's header block plus spamd's own; a header
// block bigger than this is not one we would store anyway.
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export class SpamdClient {
  constructor(private readonly options: SpamdOptions) {}

  /** spamd's verdict on a message. */
  async check(raw: Buffer, signal?: AbortSignal): Promise<SpamVerdict> {
    const reply = await this.request('HEADERS', {}, raw, signal);
    const spam = parseSpamLine(reply.headers.get('spam') ?? '');
    if (!spam) throw scannerFailure('spamassassin', 'protocol', `no readable Spam: line in the answer (${reply.text})`);
    const fromSpamd = headerValue(reply.body.toString('latin1'), 'X-Spam-Status');
    // A site that removed the header (remove_header) still gets one that says what spamd said.
    const status = fromSpamd ? tidyStatus(fromSpamd) : `${spam.isSpam ? 'Yes' : 'No'}, score=${spam.scoreText} required=${spam.required.toFixed(1)}`;
    return { ...spam, status, tests: testsOf(status) };
  }

  /**
   * TELL: learn the message as spam or ham into the local (Bayes) database.
   * Needs spamd started with --allow-tell; without it spamd refuses and this
   * throws a daemon_error failure.
   */
  async learn(raw: Buffer, as: LearnClass, signal?: AbortSignal): Promise<LearnAnswer> {
    const reply = await this.request('TELL', { 'Message-class': as, Set: 'local' }, raw, signal);
    const list = (name: string) => (reply.headers.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const didSet = list('didset');
    return { learned: didSet.includes('local'), didSet, didRemove: list('didremove') };
  }

  /** Resolves when spamd answers PONG. */
  async ping(signal?: AbortSignal): Promise<void> {
    const reply = await this.request('PING', {}, null, signal);
    if (reply.text !== 'PONG') throw scannerFailure('spamassassin', 'protocol', `PING answered "${reply.text}"`);
  }

  private async request(command: string, headers: Record<string, string>, raw: Buffer | null, signal?: AbortSignal): Promise<SpamdReply> {
    const limits: ExchangeLimits = { connectTimeoutMs: this.options.connectTimeoutMs, timeoutMs: this.options.timeoutMs, maxReplyBytes: MAX_REPLY_BYTES };
    const send = (socket: net.Socket) => {
      socket.write(spamcRequestHead(command, headers, raw ? raw.length : null));
      // Half-close as spamc does: spamd has the whole request.
      if (raw) socket.end(raw);
      else socket.end();
    };
    const bytes = await exchange('spamassassin', this.options, limits, send, signal);
    const reply = parseSpamdReply(bytes);
    if (!reply) throw scannerFailure('spamassassin', 'protocol', `not a SPAMD answer: ${JSON.stringify(bytes.subarray(0, 80).toString('latin1'))}`);
    if (reply.code !== 0) throw scannerFailure('spamassassin', 'daemon_error', `spamd answered ${reply.code} ${reply.text}`);
    return reply;
  }
}
