// Which domains are ours: an operator's decision, never a registrant's.
// MAIL_DOMAINS (config) plus the domains an admin added (stored, so the CLI
// and the server share them). Mail to a local domain is delivered here or
// refused (550 5.1.1); mail to any other is relayed or refused.
import { normalizeDomain } from '../mail/addresses.js';
import { conflict, invalid } from '../shared/app-error.js';
import type { DomainStore } from '../storage/mail-store.js';

export interface LocalDomainEntry {
  domain: string;
  /** config: MAIL_DOMAINS (changed in the environment only); admin: added through the API or the CLI */
  source: 'config' | 'admin';
}

export class LocalDomains {
  constructor(
    private readonly stored: DomainStore,
    private readonly configured: readonly string[],
  ) {}

  /** Asked at every RCPT: the config's list first, then one indexed lookup. */
  async isLocal(domain: string): Promise<boolean> {
    const d = domain.toLowerCase();
    return this.configured.includes(d) || (await this.stored.has(d));
  }

  /** Whether any domain is local yet (none: the first registration may claim one). */
  async anyLocal(): Promise<boolean> {
    return this.configured.length > 0 || (await this.stored.list()).length > 0;
  }

  async list(): Promise<LocalDomainEntry[]> {
    const stored = (await this.stored.list()).filter((d) => !this.configured.includes(d));
    return [
      ...this.configured.map((domain) => ({ domain, source: 'config' as const })),
      ...stored.map((domain) => ({ domain, source: 'admin' as const })),
    ];
  }

  /** Adds a domain; true when it was not local before. */
  async add(input: string): Promise<{ domain: string; added: boolean }> {
    const domain = validDomain(input);
    if (this.configured.includes(domain)) return { domain, added: false };
    return { domain, added: await this.stored.add(domain) };
  }

  /** Removes an added domain; MAIL_DOMAINS are changed in the environment. */
  async remove(input: string): Promise<boolean> {
    const domain = validDomain(input);
    if (this.configured.includes(domain)) {
      throw conflict('domain_configured', `${domain} is in MAIL_DOMAINS; remove it there`);
    }
    return this.stored.remove(domain);
  }
}

function validDomain(input: string): string {
  const domain = normalizeDomain(input);
  if (!domain) throw invalid('invalid_domain', 'a domain is a host name like example.com');
  return domain;
}
