// Who may open an account by registering (REGISTRATION):
//   domains (default): addresses in a local domain only. With no local domain
//     at all (no MAIL_DOMAINS, none added, no account yet), the first
//     registration becomes the admin and its domain local: the first-admin
//     bootstrap of a fresh install.
//   open: any address, and its domain becomes local (a lab setting: whoever
//     registers ceo@victim.example receives victim.example's mail from here).
//   closed: nobody; admins create accounts.
import { forbidden } from '../shared/app-error.js';
import type { UserStore } from '../storage/mail-store.js';
import type { LocalDomains } from './local-domains.js';

export type RegistrationMode = 'open' | 'domains' | 'closed';
export type NewRole = 'user' | 'admin';

export class RegistrationPolicy {
  // The bootstrap runs one at a time: two first registrations cannot both become admin.
  private bootstrap: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly mode: RegistrationMode,
    private readonly domains: LocalDomains,
    private readonly users: Pick<UserStore, 'first'>,
  ) {}

  /** Creates the account when the policy lets `email` register, with the role it gets. */
  async admit<T>(email: string, create: (role: NewRole) => Promise<T>): Promise<T> {
    if (this.mode === 'closed') throw forbidden('registration_closed', 'registration is closed; ask an admin for an account');
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (await this.domains.isLocal(domain)) return create('user');
    if (this.mode === 'open') {
      const created = await create('user');
      await this.domains.add(domain);
      return created;
    }
    return this.firstAdmin(domain, create);
  }

  private firstAdmin<T>(domain: string, create: (role: NewRole) => Promise<T>): Promise<T> {
    const run = this.bootstrap.then(async () => {
      if ((await this.domains.anyLocal()) || (await this.users.first())) {
        throw forbidden('domain_not_local', `${domain} is not a domain of this server; registration is open to its local domains only`);
      }
      const created = await create('admin');
      await this.domains.add(domain);
      return created;
    });
    this.bootstrap = run.catch(() => undefined);
    return run;
  }
}
