// What each `user` command takes, checked before anything runs: the seed's
// positional forms (create [<username>] <email> [<password>], verify <user>
// <password>, update-password <user> <new_password>) beside --password and
// --password-stdin, and a usage error (exit 2) for anything a command does
// not take, instead of ignoring it.
import { stringOption, UsageError, type ParsedArgs } from './cli-args.js';

interface Shape {
  args: string;
  about?: string;
  min: number;
  max: number;
  options: readonly string[];
}

const PASSWORD_OPTIONS = ['password', 'password-stdin'] as const;

export const USER_COMMANDS: Readonly<Record<string, Shape>> = {
  create: {
    args: '[<username>] <email> [<password>] [--password <pw> | --password-stdin] [--name <name>] [--admin] [--quota <MB>]',
    about: 'no password: one is made and printed',
    min: 1, max: 3, options: [...PASSWORD_OPTIONS, 'name', 'admin', 'quota'],
  },
  list: { args: '[--offset <n>] [--limit <n>]', min: 0, max: 0, options: ['offset', 'limit'] },
  info: { args: '<user>', min: 1, max: 1, options: [] },
  'update-password': { args: '<user> (<new_password> | --password <pw> | --password-stdin)', min: 1, max: 2, options: PASSWORD_OPTIONS },
  'set-quota': { args: '<user> <MB | default>', about: '0 = unlimited', min: 2, max: 2, options: [] },
  enable: { args: '<user>', min: 1, max: 1, options: [] },
  disable: { args: '<user>', min: 1, max: 1, options: [] },
  delete: { args: '<user>', about: 'with all their mail', min: 1, max: 1, options: [] },
  verify: { args: '<user> (<password> | --password <pw> | --password-stdin)', about: 'exit 1 when wrong', min: 1, max: 2, options: PASSWORD_OPTIONS },
  promote: { args: '<user>', about: 'make admin', min: 1, max: 1, options: [] },
  demote: { args: '<user>', about: 'back to a normal user', min: 1, max: 1, options: [] },
};

/** Allowed with every command. */
const COMMON_OPTIONS = ['json', 'help'];

export const USER_USAGE = [
  'Usage: npm run cli -- user <command> [arguments] [--json]',
  '',
  'Commands:',
  ...Object.entries(USER_COMMANDS).map(([name, s]) => `  ${`${name} ${s.args}`}${s.about ? `\n      ${s.about}` : ''}`),
  '',
  '<user> is an email address or a username. A password given as an argument',
  'shows in the process list; --password-stdin reads it from standard input.',
].join('\n');

/** Throws a UsageError unless `user <command>` takes exactly these arguments and options. */
export function checkUserCommand(args: ParsedArgs): void {
  const [command, ...rest] = args.positionals;
  if (command === undefined) throw new UsageError('missing command');
  const shape = USER_COMMANDS[command];
  if (!shape) throw new UsageError(`unknown command "user ${command}"`);
  const form = `user ${command} ${shape.args}`;
  if (rest.length < shape.min) throw new UsageError(`missing arguments: ${form}`);
  if (rest.length > shape.max) {
    throw new UsageError(`user ${command} takes at most ${shape.max} argument${shape.max === 1 ? '' : 's'}, got ${rest.length}: ${form}`);
  }
  for (const option of args.options.keys()) {
    if (!COMMON_OPTIONS.includes(option) && !shape.options.includes(option)) {
      throw new UsageError(`user ${command} does not take --${option}: ${form}`);
    }
  }
  const passwordOptions = Number(args.options.has('password')) + Number(args.options.has('password-stdin'));
  const passwordArgument = (command === 'create' && (rest.length === 3 || (rest.length === 2 && rest[0]!.includes('@'))))
    || ((command === 'verify' || command === 'update-password') && rest.length === 2);
  if (passwordOptions + Number(passwordArgument) > 1) {
    throw new UsageError('give the password once: as an argument, --password or --password-stdin');
  }
  if ((command === 'verify' || command === 'update-password') && passwordOptions + Number(passwordArgument) === 0) {
    throw new UsageError(`user ${command} needs a password: as an argument, --password <pw> or --password-stdin`);
  }
  if (command === 'create') createForm(rest);
}

/** The seed's create forms: <email>, <email> <password>, <username> <email>, <username> <email> <password>. */
export function createForm(positionals: readonly string[]): { username: string | null; email: string; password: string | undefined } {
  const [a, b, c] = positionals;
  if (positionals.length === 3) {
    if (a!.includes('@') || !b!.includes('@')) throw new UsageError('user create with three arguments is <username> <email> <password>');
    return { username: a!, email: b!, password: c };
  }
  if (positionals.length === 2 && !a!.includes('@')) {
    if (!b!.includes('@')) throw new UsageError('user create needs an email address: [<username>] <email> [<password>]');
    return { username: a!, email: b!, password: undefined };
  }
  return { username: null, email: a!, password: b };
}

/** The password from the arguments, --password or standard input (checkUserCommand saw it is given once). */
export async function passwordFrom(
  args: ParsedArgs, positional: string | undefined, readStdin: () => Promise<string>, required: string | null,
): Promise<string | undefined> {
  const fromOptions = args.options.has('password') || args.options.has('password-stdin');
  if (positional !== undefined && fromOptions) throw new UsageError('give the password once: as an argument, --password or --password-stdin');
  if (positional !== undefined) return positional;
  if (args.options.has('password-stdin')) return (await readStdin()).replace(/\r?\n$/, '');
  const pw = stringOption(args, 'password');
  if (pw === undefined && required) throw new UsageError(`${required} needs a password: as an argument, --password <pw> or --password-stdin`);
  return pw;
}
