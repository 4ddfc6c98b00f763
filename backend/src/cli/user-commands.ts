// `chitbox user <command>`: the account commands, on the same core and
// storage modules as the server (safe while it runs: SQLite WAL, one writer
// at a time per process, busy timeout across processes).
import type { AccountDto } from '../core/admin-users.js';
import type { Core } from '../core/core.js';
import type { AccountRecord } from '../core/model.js';
import { intOption, stringOption, UsageError, type ParsedArgs } from './cli-args.js';
import { checkUserCommand, createForm, passwordFrom } from './user-command-args.js';

export { USER_USAGE } from './user-command-args.js';

export interface Output {
  json: boolean;
  print(text: string): void;
}

export async function runUserCommand(core: Pick<Core, 'admin' | 'accounts'>, args: ParsedArgs, out: Output, readStdin: () => Promise<string>): Promise<number> {
  const admin = core.admin;
  checkUserCommand(args);
  const [command, user, extra] = args.positionals as [string, string, string | undefined];
  const show = (title: string, a: AccountRecord, more: Record<string, string> = {}) => {
    const dto = admin.present(a);
    if (out.json) return out.print(JSON.stringify({ user: dto, ...snake(more) }, null, 2));
    out.print(`${title}\n${describe(admin.quotaUsage(a), dto, more)}`);
  };

  switch (command) {
    case 'create': {
      const quota = intOption(args, 'quota');
      const form = createForm(args.positionals.slice(1));
      const { account, generatedPassword } = await admin.createAccount({
        email: form.email,
        username: form.username,
        password: await passwordFrom(args, form.password, readStdin, null),
        name: stringOption(args, 'name') ?? null,
        role: args.options.has('admin') ? 'admin' : 'user',
        quotaMb: quota,
      });
      show('User created successfully:', account, generatedPassword ? { Password: generatedPassword } : {});
      return 0;
    }
    case 'list': {
      const offset = intOption(args, 'offset') ?? 0;
      const limit = Math.min(intOption(args, 'limit') ?? 1000, 1000);
      const { users, total } = await admin.listAccounts(offset, limit);
      const dtos = users.map((u) => admin.present(u));
      if (out.json) {
        out.print(JSON.stringify({ users: dtos, total, offset, limit }, null, 2));
        return 0;
      }
      if (dtos.length === 0) out.print('No users.');
      else out.print(table(dtos));
      out.print(`${total} user${total === 1 ? '' : 's'}`);
      return 0;
    }
    case 'info':
      show('User:', await admin.findAccount(user));
      return 0;
    case 'update-password': {
      const password = await passwordFrom(args, extra, readStdin, 'user update-password');
      const account = await admin.updateAccount(null, user, { password });
      show('Password updated:', account);
      return 0;
    }
    case 'set-quota': {
      if (extra === undefined) throw new UsageError('user set-quota needs a size in MB, or "default"');
      if (extra !== 'default' && !/^\d+$/.test(extra)) throw new UsageError(`quota must be a whole number of MB or "default", got "${extra}"`);
      const account = await admin.updateAccount(null, user, { quotaMb: extra === 'default' ? null : Number(extra) });
      show('Quota updated:', account);
      return 0;
    }
    case 'enable':
    case 'disable': {
      const account = await admin.updateAccount(null, user, { enabled: command === 'enable' });
      show(command === 'enable' ? 'User enabled:' : 'User disabled:', account);
      return 0;
    }
    case 'promote':
    case 'demote': {
      const account = await admin.updateAccount(null, user, { role: command === 'promote' ? 'admin' : 'user' });
      show(command === 'promote' ? 'User promoted to admin:' : 'User demoted to user:', account);
      return 0;
    }
    case 'delete': {
      const account = await admin.deleteAccount(null, user);
      if (out.json) out.print(JSON.stringify({ deleted: admin.present(account) }, null, 2));
      else out.print(`User deleted: ${account.email} (id ${account.id}), with all their mail.`);
      return 0;
    }
    case 'verify': {
      const password = (await passwordFrom(args, extra, readStdin, 'user verify'))!;
      const account = await admin.findAccount(user);
      const ok = (await core.accounts.verifyCredentials(account.email, password)) !== null;
      if (out.json) out.print(JSON.stringify({ email: account.email, valid: ok, enabled: account.enabled }));
      else out.print(ok ? `Password is correct for ${account.email}${account.enabled ? '' : ' (account disabled)'}.` : `Password does NOT match for ${account.email}.`);
      return ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command "user ${command}"`);
  }
}

function describe(usage: number | null, dto: AccountDto, more: Record<string, string>): string {
  const rows: Array<[string, string]> = [
    ['Username', dto.username],
    ['Email', dto.email],
    ['ID', String(dto.id)],
    ['Name', dto.name ?? '-'],
    ['Role', dto.role],
    ['Enabled', dto.enabled ? 'yes' : 'no'],
    ['Quota', dto.quota_mb === 0 ? 'unlimited' : `${dto.quota_mb} MB${dto.quota_is_default ? ' (default)' : ''}`],
    ['Used', `${dto.used_mb} MB${usage === null ? '' : ` (${usage}%)`}`],
    ['Created', dto.created_at],
    ...Object.entries(more),
  ];
  return rows.map(([k, v]) => `  ${`${k}:`.padEnd(10)} ${v}`).join('\n');
}

function table(users: AccountDto[]): string {
  const head = ['ID', 'EMAIL', 'ROLE', 'ENABLED', 'QUOTA_MB', 'USED_MB'];
  const rows = users.map((u) => [String(u.id), u.email, u.role, u.enabled ? 'yes' : 'no', u.quota_mb === 0 ? 'unlimited' : String(u.quota_mb), String(u.used_mb)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const snake = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
