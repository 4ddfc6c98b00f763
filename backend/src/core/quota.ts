// Quotas and disabled accounts, decided for a mailbox at RCPT; the real size
// is checked again in the commit (message-store.ts). Usage is the sum of
// stored raw sizes, kept current by the message store in the same
// transaction as each row.
import { permFail, tooLarge } from '../shared/app-error.js';

const MiB = 1024 * 1024;

export interface MailboxFacts {
  email: string;
  enabled: boolean;
  /** null: the configured default */
  quotaMb: number | null;
  usedBytes: number;
}

/** The limit in bytes, or null for unlimited (0 MB means unlimited). */
export function quotaBytes(quotaMb: number | null, defaultMb: number): number | null {
  const mb = quotaMb ?? defaultMb;
  return mb > 0 ? mb * MiB : null;
}

/**
 * At RCPT: throws when this mailbox takes no mail at all, disabled (550 5.2.1 /
 * HTTP 422) or already full (552 5.2.2 / HTTP 413). Whether a message of a
 * given size fits is decided in the commit that stores it (message-store.ts),
 * against the usage that transaction sees.
 */
export function checkMailboxAccepts(m: MailboxFacts, defaultMb: number): void {
  if (!m.enabled) throw permFail('user_disabled', `Mailbox disabled: ${m.email}`);
  const limit = quotaBytes(m.quotaMb, defaultMb);
  // RFC 3463: X.2.2 mailbox full. A mailbox exactly at its quota is full.
  if (limit !== null && m.usedBytes >= limit) throw tooLarge('quota_exceeded', `Mailbox full: ${m.email} is over its quota`);
}
