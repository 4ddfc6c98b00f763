// `npm run cli -- domain list | add <domain> | remove <domain>`: the local
// domains an operator manages (MAIL_DOMAINS are listed, changed in the environment).
import type { Core } from '../core/core.js';
import { UsageError, type ParsedArgs } from './cli-args.js';
import type { Output } from './user-commands.js';

export const DOMAIN_USAGE = [
  'Usage: npm run cli -- domain <command> [--json]',
  '  list               the local domains (MAIL_DOMAINS and those added)',
  '  add <domain>       make a domain local: mail to it is delivered here, its addresses may register',
  '  remove <domain>    no longer local (accounts there receive nothing from outside)',
].join('\n');

/** Checks the command line before anything is opened. */
export function checkDomainCommand(args: ParsedArgs): void {
  const [command, ...rest] = args.positionals;
  const wants = command === 'list' ? 0 : command === 'add' || command === 'remove' ? 1 : -1;
  if (wants < 0) throw new UsageError(`unknown domain command "${command ?? ''}"`);
  if (rest.length !== wants) throw new UsageError(`domain ${command} takes ${wants === 0 ? 'no arguments' : 'one domain'}`);
  const unknown = [...args.options.keys()].filter((o) => o !== 'json' && o !== 'help');
  if (unknown.length) throw new UsageError(`domain ${command} does not take --${unknown[0]}`);
}

export async function runDomainCommand(core: Pick<Core, 'admin'>, args: ParsedArgs, out: Output): Promise<number> {
  const [command, domain] = args.positionals as [string, string | undefined];
  if (command === 'list') {
    const domains = await core.admin.listDomains();
    if (out.json) out.print(JSON.stringify({ domains }, null, 2));
    else out.print(domains.length ? domains.map((d) => `${d.domain}\t${d.source}`).join('\n') : '(no local domains)');
    return 0;
  }
  if (command === 'add') {
    const result = await core.admin.addDomain(domain!);
    out.print(out.json ? JSON.stringify(result) : `${result.domain} ${result.added ? 'is now local' : 'was already local'}`);
    return 0;
  }
  const removed = await core.admin.removeDomain(domain!);
  out.print(out.json ? JSON.stringify({ domain, removed }) : `${domain} ${removed ? 'removed' : 'was not an added local domain'}`);
  return removed ? 0 : 1;
}
