// Who an authenticated user may send as, and where. Unauthenticated
// sessions never reach this: they may deliver to local users only.
import { headerAddresses } from '../mail/header-fields.js';
import { parseMailbox } from '../mail/addresses.js';
import { isAppError, permFail } from '../shared/app-error.js';
import type { LocalRecipient } from './recipients.js';

export interface SenderIdentity {
  id: number;
  email: string;
}

/** An address outside our domains, bound for the outbound queue. */
export interface ExternalRecipient {
  external: true;
  email: string;
}

export type Recipient = LocalRecipient | ExternalRecipient;

export const isExternal = (r: Recipient): r is ExternalRecipient => 'external' in r;
export const isLocal = (r: Recipient): r is LocalRecipient => !('external' in r);

const notYours = (what: string, email: string) =>
  permFail('sender_not_owned', `${what} must be your own address <${email}>`);

/** RFC 6409 6.1: a submission server may refuse a sender the user does not own. */
export function checkEnvelopeSender(address: string, user: SenderIdentity): void {
  if (parseMailbox(address)?.address !== user.email) throw notYours('MAIL FROM', user.email);
}

/** Every From: (and Sender:, when present) mailbox must be the user's own address. */
export function checkHeaderSender(raw: Buffer, user: SenderIdentity): void {
  const from = headerAddresses(raw, 'from');
  if (from.length === 0 || from.some((a) => a !== user.email)) throw notYours('From: header', user.email);
  if (headerAddresses(raw, 'sender').some((a) => a !== user.email)) throw notYours('Sender: header', user.email);
}

/**
 * Turns a recipient that is not local into an external one, when the user
 * may relay: authenticated, a plain mailbox (relay tricks are never relayed,
 * not even for users), and a relay configured. Otherwise rethrows.
 */
export function externalRecipient(address: string, localFailure: unknown, user: SenderIdentity | null, relayConfigured: boolean): ExternalRecipient {
  if (!user || !isAppError(localFailure) || localFailure.code !== 'relay_denied') throw localFailure;
  const mailbox = parseMailbox(address);
  if (!mailbox) throw localFailure;
  if (!relayConfigured) {
    throw permFail('relay_not_configured', 'Relaying is not configured on this server: only local recipients are accepted');
  }
  // Keep the local part as given: only the domain is case-insensitive (RFC 5321 2.4).
  const bare = address.trim().replace(/^<(.*)>$/, '$1');
  return { external: true, email: `${bare.slice(0, bare.lastIndexOf('@'))}@${mailbox.domain}` };
}
