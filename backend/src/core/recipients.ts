// Who a recipient address is: a local user, an unknown local address, or
// somewhere else. Decided once, at RCPT time.
import { permFail } from '../shared/app-error.js';
import type { UserStore } from '../storage/mail-store.js';
import { parseMailbox } from '../mail/addresses.js';
import type { LocalDomains } from './local-domains.js';
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
    private readonly users: Pick<UserStore, 'findMailbox'>,
    private readonly domains: Pick<LocalDomains, 'isLocal'>,
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
    // An account outside the local domains (one whose domain an admin removed) receives nothing from here.
    if (!(await this.domains.isLocal(mailbox.domain))) {
      throw permFail('relay_denied', 'Relaying denied: not a local domain and not authenticated');
    }
    const found = await this.users.findMailbox(mailbox.address);
    if (found) {
      checkMailboxAccepts(found, this.defaultQuotaMb);
      return {
        userId: found.userId, email: found.email, inboxFolderId: found.inboxFolderId,
        quotaBytes: quotaBytes(found.quotaMb, this.defaultQuotaMb),
      };
    }
    throw permFail('unknown_user', `No such user here: ${mailbox.address}`);
  }
}
