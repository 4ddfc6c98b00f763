// The use cases behind an SMTP session, in protocol-free terms: who may
// authenticate, which senders and recipients are allowed, and delivery.
import { toCrlf } from '../mail/line-endings.js';
import { permFail } from '../shared/app-error.js';
import type { TraceInfo } from '../mail/received-header.js';
import type { SpamVerdict } from '../scanning/scan-verdict.js';
import type { Logger } from '../shared/logger.js';
import type { AccountDeps } from './accounts.js';
import { loginAccountKey, verifyCredentials } from './accounts.js';
import { AuthGuard } from './auth-guard.js';
import type { LoginGuard } from './login-guard.js';
import { announceSpam, screenDelivery, type DeliveryEnvelope, type ScreeningDeps } from './inbound-screening.js';
import { ingestMessage, type DeliveryTarget } from './ingest-message.js';
import { resolveRecipientFor, submitMessage, type SendDeps } from './send-message.js';
import { checkEnvelopeSender, isLocal, type Recipient } from './submission-policy.js';

export interface SmtpSessionInfo {
  id: string;
  remoteAddress: string;
  helo: string;
  secure: boolean;
  /** the authenticated user, if any */
  user: { id: number; email: string } | null;
  /** MAIL FROM of the transaction ('' for the null reverse-path) */
  mailFrom?: string;
}

export class MailIntake {
  private readonly authGuard: AuthGuard;

  constructor(
    private readonly deps: SendDeps & Pick<AccountDeps, 'hasher'> & { store: AccountDeps['store'] } & ScreeningDeps,
    private readonly hostname: string,
    private readonly log: Logger,
    logins: LoginGuard,
  ) {
    this.authGuard = new AuthGuard(logins);
  }

  /** Same reply for unknown user and wrong password; brute force gets 421 / 454 (AuthGuard). */
  async authenticate(username: string, password: string, session: Pick<SmtpSessionInfo, 'id' | 'remoteAddress'>): Promise<{ id: number; email: string }> {
    const user = await this.authGuard.attempt(session.id, session.remoteAddress, loginAccountKey(username), async () => {
      const found = await verifyCredentials(this.deps, username, password);
      return found?.enabled ? found : null; // a disabled account fails like a wrong password
    });
    return { id: user.id, email: user.email };
  }

  /** An authenticated session sends only as itself (553 5.7.1). */
  async checkSender(address: string, session: SmtpSessionInfo): Promise<void> {
    if (session.user) checkEnvelopeSender(address, session.user);
  }

  /** Local users for everyone; external addresses only for users, and only with a relay. */
  resolveRecipient(address: string, session: SmtpSessionInfo): Promise<Recipient> {
    return resolveRecipientFor(this.deps, address, session.user);
  }

  /**
   * DATA as received, dot-unstuffed; bare LF or CR line ends are made CRLF so /raw is always RFC 5322 shaped.
   * Mail from outside is scanned; an authenticated user's own submissions are trusted (as SpamAssassin's ALL_TRUSTED).
   */
  async deliver(data: Buffer, recipients: Recipient[], session: SmtpSessionInfo): Promise<number[]> {
    const raw = toCrlf(data);
    // RFC 5322 2.2: a header field never starts with white space. Such a first
    // line would read as a continuation of the Received: we put before it, so
    // the sender could write our trace line.
    if (raw[0] === 0x20 || raw[0] === 0x09) {
      throw permFail('message_starts_folded', 'Message refused: its first line starts with white space (no header field does)');
    }
    const protocol = `ESMTP${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
    const trace = { helo: session.helo, remoteAddress: session.remoteAddress, hostname: this.hostname, protocol, sessionId: session.id, mailFrom: session.mailFrom };
    if (session.user) {
      const { sent, delivered } = await submitMessage(this.deps, { raw, sender: session.user, recipients, trace, enforceQuota: true });
      return [...delivered.map((c) => c.id), sent.id];
    }
    return this.deliverInbound(raw, recipients.filter(isLocal).map((recipient) => ({ recipient })), trace, session);
  }

  private async deliverInbound(raw: Buffer, targets: DeliveryTarget[], trace: TraceInfo, session: SmtpSessionInfo): Promise<number[]> {
    const envelope: DeliveryEnvelope = {
      mailFrom: session.mailFrom ?? '', recipients: targets.map((t) => t.recipient.email), remoteAddress: session.remoteAddress, sessionId: session.id,
    };
    const verdict: { spam: SpamVerdict | null } = { spam: null };
    const screen = this.deps.scanner
      ? async (bytes: Buffer) => {
          const screened = await screenDelivery(this.deps, bytes, targets, envelope);
          verdict.spam = screened.spam;
          return screened;
        }
      : undefined;
    const { messages } = await ingestMessage(this.deps, { raw, targets, trace, enforceQuota: true, screen });
    const ids = messages.map((m) => m.id);
    if (verdict.spam) announceSpam(this.deps, verdict.spam, envelope, ids);
    this.log.debug({ sessionId: session.id, ids, spam: !!verdict.spam }, 'message stored');
    return ids;
  }
}
