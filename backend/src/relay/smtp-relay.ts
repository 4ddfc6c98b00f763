// Adapter: the outbound queue's next hop, a smarthost reached with
// nodemailer's SMTP transport (SMTP_RELAY_*). Sends the stored bytes as they
// are, with an explicit envelope, so Bcc recipients and the sender's Sent copy
// stay consistent.
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.js';
import { RelayFailure, type RelayRejection, type RelayResult, type RelayTransport } from '../core/outbound-queue.js';

type RelayConfig = NonNullable<Config['relay']>;

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

export function createSmtpRelay(relay: RelayConfig, hostname: string): RelayTransport {
  const transport = nodemailer.createTransport({
    host: relay.host,
    port: relay.port,
    secure: relay.secure,
    requireTLS: relay.requireTls,
    auth: relay.user ? { user: relay.user, pass: relay.password ?? '' } : undefined,
    name: hostname,
    connectionTimeout: Math.min(relay.timeoutMs, 60_000),
    greetingTimeout: Math.min(relay.timeoutMs, 60_000),
    socketTimeout: relay.timeoutMs,
  });

  return {
    async send(envelope, raw): Promise<RelayResult> {
      try {
        const info = await transport.sendMail({ envelope, raw });
        const rejectedErrors = (info as { rejectedErrors?: SmtpError[] }).rejectedErrors ?? [];
        return { accepted: (info.accepted ?? []).map(String), rejected: rejectedErrors.map(toRejection) };
      } catch (err) {
        const e = err as SmtpError;
        // Every recipient refused: report each, some may only be deferred (4xx).
        if (e.code === 'EENVELOPE' && e.rejectedErrors?.length) return { accepted: [], rejected: e.rejectedErrors.map(toRejection) };
        throw new RelayFailure(e.response || e.message, e.responseCode ?? null);
      }
    },
    close() {
      transport.close();
    },
  };
}

function toRejection(e: SmtpError): RelayRejection {
  return { recipient: e.recipient ?? '', code: e.responseCode ?? null, message: e.response || e.message };
}
