// Time from the SMTP client reading "250" to a browser-like Socket.IO client
// receiving new_email for that message: what a user watching the inbox feels.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { smallAlternativeMessage } from './bench-messages.js';
import { SmtpConnection } from './smtp-connection.js';

export interface LatencyResult {
  sent: number;
  measured: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Events that arrived before the client had read the 250 (latency clamped to 0). */
  eventsBefore250: number;
  /** Median of event time minus 250 time before clamping: negative when events win the race. */
  signedP50: number;
  failures: string[];
}

export interface LatencyOptions {
  smtpPort: number;
  api: { baseUrl: string; token: string };
  count: number;
  eventTimeoutMs: number;
  replyTimeoutMs: number;
}

export async function measureNewEmailLatency(options: LatencyOptions): Promise<LatencyResult> {
  const socket = io(options.api.baseUrl, {
    auth: { token: options.api.token },
    transports: ['websocket'],
    reconnection: false,
  });
  const arrivedAt = new Map<string, number>();
  let waitingFor: { subject: string; resolve: () => void } | null = null;
  socket.on('new_email', (event: { email?: { subject?: string } }) => {
    const subject = event.email?.subject ?? '';
    arrivedAt.set(subject, performance.now());
    if (waitingFor?.subject === subject) waitingFor.resolve();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(`socket.io connect_error: ${error.message}`)));
  });

  const connection = await SmtpConnection.open(options.smtpPort, options.replyTimeoutMs);
  const latencies: number[] = [];
  const signedLatencies: number[] = [];
  const failures: string[] = [];
  let eventsBefore250 = 0;
  try {
    for (let index = 0; index < options.count; index++) {
      const message = smallAlternativeMessage(index, 'latency');
      const result = await connection.deliver(message);
      if (!result.ok) {
        failures.push(`${message.subject}: ${result.stage} ${result.reply.text}`);
        if (!connection.isOpen) break;
        continue;
      }
      // Wait for this message's event before sending the next, so each sample is
      // one message on an otherwise idle server.
      if (!arrivedAt.has(message.subject)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.eventTimeoutMs);
          waitingFor = {
            subject: message.subject,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
        waitingFor = null;
      }
      const eventAt = arrivedAt.get(message.subject);
      if (eventAt === undefined) {
        failures.push(`${message.subject}: no new_email within ${options.eventTimeoutMs} ms`);
        continue;
      }
      const latency = eventAt - result.repliedAt;
      signedLatencies.push(latency);
      if (latency <= 0) eventsBefore250 += 1;
      latencies.push(Math.max(0, latency));
    }
  } finally {
    await connection.quit();
    socket.close();
  }

  latencies.sort((a, b) => a - b);
  signedLatencies.sort((a, b) => a - b);
  return {
    sent: options.count,
    measured: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    eventsBefore250,
    signedP50: percentile(signedLatencies, 50),
    failures,
  };
}

// Nearest-rank percentile over sorted samples.
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
