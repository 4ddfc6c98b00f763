// Who a recipient address is: a local user, an unknown local address, or
// somewhere else. Decided once, at RCPT time.
import { permFail } from '../shared/app-error.js';
import type { UserStore } from '../storage/mail-store.js';
import { parseMailbox } from '../mail/addresses.js';
import { checkMailboxAccepts, quotaBytes } from './quota.js';

export interface LocalRecipient {
  userId: number;
  email: string;
  inboxFolderId: number;
  /** the mailbox's quota in bytes as of the lookup (null: unlimited) */
  quotaBytes: number | null;
}

export class RecipientResolver {
  constructor(
    private readonly users: Pick<UserStore, 'findMailbox' | 'anyInDomain'>,
    private readonly mailDomains: readonly string[],
    /** DEFAULT_QUOTA_MB: a full or disabled mailbox is refused at RCPT */
    private readonly defaultQuotaMb = 1024,
  ) {}

  /**
   * Resolves an envelope address to a local user, or throws a permanent
   * failure: unknown user in a local domain, or relaying elsewhere.
   */
  async resolveLocal(address: string): Promise<LocalRecipient> {
    const mailbox = parseMailbox(address);
    // Source routes, %-hacks, quoted @ and literals are relay tricks, never local.
    if (!mailbox) throw permFail('relay_denied', 'Relaying denied: not a local address');
    const found = await this.users.findMailbox(mailbox.address);
    if (found) checkMailboxAccepts(found, this.defaultQuotaMb);
    if (found) {
      return {
        userId: found.userId, email: found.email, inboxFolderId: found.inboxFolderId,
        quotaBytes: quotaBytes(found.quotaMb, this.defaultQuotaMb),
      };
    }
    if (await this.isLocalDomain(mailbox.domain)) {
      throw permFail('unknown_user', `No such user here: ${mailbox.address}`);
    }
    throw permFail('relay_denied', 'Relaying denied: not a local domain and not authenticated');
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    return this.mailDomains.includes(domain) || (await this.users.anyInDomain(domain));
  }
}
