// The use cases behind an SMTP session, in protocol-free terms: who may
// authenticate, which senders and recipients are allowed, and delivery.
import { unauthorized } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { AccountDeps } from './accounts.js';
import { verifyCredentials } from './accounts.js';
import { ingestMessage, type IngestDeps } from './ingest-message.js';
import type { LocalRecipient, RecipientResolver } from './recipients.js';

export interface SmtpSessionInfo {
  id: string;
  remoteAddress: string;
  helo: string;
  secure: boolean;
  /** the authenticated user, if any */
  user: { id: number; email: string } | null;
}

export class MailIntake {
  constructor(
    private readonly deps: IngestDeps & Pick<AccountDeps, 'users' | 'hasher'>,
    private readonly recipients: RecipientResolver,
    private readonly hostname: string,
    private readonly log: Logger,
  ) {}

  async authenticate(username: string, password: string): Promise<{ id: number; email: string }> {
    const user = await verifyCredentials(this.deps, username, password);
    if (!user) throw unauthorized('auth_failed', 'Authentication credentials invalid');
    return { id: user.id, email: user.email };
  }

  /** Hook for sender policy (issue: authenticated submission). */
  async checkSender(_address: string, _session: SmtpSessionInfo): Promise<void> {}

  resolveRecipient(address: string, _session: SmtpSessionInfo): Promise<LocalRecipient> {
    return this.recipients.resolveLocal(address);
  }

  async deliver(raw: Buffer, recipients: LocalRecipient[], session: SmtpSessionInfo): Promise<number[]> {
    const protocol = `ESMTP${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
    const copies = await ingestMessage(this.deps, {
      raw,
      recipients,
      trace: { helo: session.helo, remoteAddress: session.remoteAddress, hostname: this.hostname, protocol, sessionId: session.id },
    });
    this.log.debug({ sessionId: session.id, ids: copies.map((c) => c.id) }, 'message stored');
    return copies.map((c) => c.id);
  }
}
