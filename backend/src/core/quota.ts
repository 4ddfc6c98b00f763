// Quotas and disabled accounts, decided for a mailbox at RCPT and again for
// the real size at DATA. Usage is the sum of stored raw sizes, kept current
// by the message store in the same transaction as each row.
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
 * Throws when this mailbox may not receive `incomingBytes` more: disabled
 * (550 5.2.1 / HTTP 422) or over quota (552 5.2.2 / HTTP 413). With 0 bytes it
 * asks whether the mailbox is already full.
 */
export function checkMailboxAccepts(m: MailboxFacts, defaultMb: number, incomingBytes = 0): void {
  if (!m.enabled) throw permFail('user_disabled', `Mailbox disabled: ${m.email}`);
  const limit = quotaBytes(m.quotaMb, defaultMb);
  if (limit === null) return;
  // RFC 3463: X.2.2 mailbox full. At RCPT a mailbox exactly at its quota is full.
  if (incomingBytes === 0 ? m.usedBytes >= limit : m.usedBytes + incomingBytes > limit) {
    throw tooLarge('quota_exceeded', `Mailbox full: ${m.email} is over its quota`);
  }
}
