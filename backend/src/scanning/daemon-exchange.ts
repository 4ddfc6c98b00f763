// One request and its answer over a fresh connection to a scanner daemon.
// spamd and clamd both answer one command per connection and then close it,
// so the answer is everything read until the close. Deadlines for the
// connect and for the whole exchange, and an AbortSignal, each end it with a
// scannerFailure; the socket is destroyed on every way out.
import net from 'node:net';
import type { ScannerName } from './scan-verdict.js';
import { scannerFailure } from './scanner-failure.js';

/** host:port, or a host that starts with "/" as the path of a Unix socket */
export interface DaemonAddress {
  host: string;
  port: number;
}

export interface ExchangeLimits {
  /** connecting may take this long */
  connectTimeoutMs: number;
  /** connect, send and the whole answer together may take this long */
  timeoutMs: number;
  /** a longer answer is a protocol error (the answers we ask for are small) */
  maxReplyBytes: number;
}

/** Codes that mean the daemon is not there (as opposed to broke off mid-answer). */
const NOT_THERE = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EACCES']);

/**
 * Connects, lets `send` write the request (it must end the writing side),
 * and resolves with every byte the daemon sent before closing.
 */
export function exchange(
  scanner: ScannerName, address: DaemonAddress, limits: ExchangeLimits, send: (socket: net.Socket) => void, signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (signal?.aborted) return reject(scannerFailure(scanner, 'aborted', 'the scan was called off'));
    const where = address.host.startsWith('/') ? address.host : `${address.host}:${address.port}`;
    const socket = address.host.startsWith('/') ? net.connect({ path: address.host }) : net.connect({ host: address.host, port: address.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    let settled = false;

    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, received));
    };
    const onAbort = () => finish(scannerFailure(scanner, 'aborted', 'the scan was called off'));
    const connectTimer = setTimeout(
      () => finish(scannerFailure(scanner, 'connect', `no connection to ${where} within ${limits.connectTimeoutMs} ms`)),
      limits.connectTimeoutMs,
    );
    const deadline = setTimeout(
      () => finish(scannerFailure(scanner, connected ? 'timeout' : 'connect', `no answer from ${where} within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.setNoDelay(true);
    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      try {
        send(socket);
      } catch (err) {
        finish(scannerFailure(scanner, 'protocol', `could not send the request: ${(err as Error).message}`));
      }
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxReplyBytes) {
        return finish(scannerFailure(scanner, 'protocol', `answer from ${where} longer than ${limits.maxReplyBytes} bytes`));
      }
      chunks.push(chunk);
    });
    const closed = () => {
      if (received > 0) return finish(null);
      finish(scannerFailure(scanner, 'reset', `${where} closed the connection without an answer`));
    };
    socket.once('end', closed);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // clamd answers a stream over its size limit and closes while we are
      // still writing: the write fails, but the answer is already here.
      if (connected && received > 0 && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) return finish(null);
      if (!connected || NOT_THERE.has(err.code ?? '')) {
        return finish(scannerFailure(scanner, 'connect', `cannot connect to ${where}: ${err.code ?? err.message}`));
      }
      finish(scannerFailure(scanner, 'reset', `connection to ${where} broke: ${err.code ?? err.message}`));
    });
    socket.once('close', closed);
  });
}
