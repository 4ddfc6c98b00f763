// A clamd client: zINSTREAM for a message we hold in memory, zPING for
// health. INSTREAM (clamd(8)): the command, then chunks each preceded by its
// length as 4 bytes big-endian, then a zero length; clamd answers
// "stream: OK", "stream: <name> FOUND" or "... ERROR" and closes. The chunks
// are views of the message Buffer, written corked, so nothing is copied.
import type net from 'node:net';
import { exchange, type DaemonAddress } from './daemon-exchange.js';
import type { VirusVerdict } from './scan-verdict.js';
import { scannerFailure } from './scanner-failure.js';

export interface ClamdOptions extends DaemonAddress {
  connectTimeoutMs: number;
  timeoutMs: number;
}

const CHUNK_BYTES = 64 * 1024;
const MAX_REPLY_BYTES = 64 * 1024;

export class ClamdClient {
  constructor(private readonly options: ClamdOptions) {}

  /** clamd's verdict on a whole message (it unpacks MIME parts and archives itself). */
  async scan(raw: Buffer, signal?: AbortSignal): Promise<VirusVerdict> {
    const answer = await this.request((socket) => {
      socket.cork();
      socket.write('zINSTREAM\0');
      for (let at = 0; at < raw.length; at += CHUNK_BYTES) {
        const chunk = raw.subarray(at, Math.min(raw.length, at + CHUNK_BYTES));
        socket.write(chunkLength(chunk.length));
        socket.write(chunk);
      }
      socket.end(chunkLength(0));
      socket.uncork();
    }, signal);
    return parseInstreamAnswer(answer);
  }

  /** Resolves when clamd answers PONG. */
  async ping(signal?: AbortSignal): Promise<void> {
    const answer = await this.request((socket) => socket.end('zPING\0'), signal);
    if (answer !== 'PONG') throw scannerFailure('clamav', 'protocol', `PING answered "${answer}"`);
  }

  private async request(send: (socket: net.Socket) => void, signal?: AbortSignal): Promise<string> {
    const limits = { connectTimeoutMs: this.options.connectTimeoutMs, timeoutMs: this.options.timeoutMs, maxReplyBytes: MAX_REPLY_BYTES };
    const bytes = await exchange('clamav', this.options, limits, send, signal);
    // z-commands answer NUL-terminated; n-commands newline-terminated.
    // Only the run that ends the answer: without the lookbehind every start inside a long run is tried.
    return bytes.toString('latin1').replace(/(?<![\0\n])[\0\n]+$/, '');
  }
}

function chunkLength(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** "stream: OK" | "stream: <signature> FOUND" | "<text> ERROR" (e.g. "INSTREAM size limit exceeded. ERROR"). */
export function parseInstreamAnswer(answer: string): VirusVerdict {
  if (/^stream: OK$/.test(answer)) return { infected: false, name: null };
  const found = /^stream: (.+) FOUND$/.exec(answer);
  if (found) return { infected: true, name: found[1]! };
  if (/ERROR$/.test(answer)) {
    // A size limit is clamd's StreamMaxLength below CLAMAV_MAX_BYTES: a set-up mistake, visible rather than a pass.
    throw scannerFailure('clamav', 'daemon_error', `clamd answered "${answer}"`);
  }
  throw scannerFailure('clamav', 'protocol', `not an INSTREAM answer: ${JSON.stringify(answer.slice(0, 80))}`);
}
