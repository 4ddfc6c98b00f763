// The operator's shell: `npm run cli -- user <command> ...` (user-commands.ts)
// `npm run cli -- domain <command>` (domain-commands.ts) and
// `npm run cli -- mailbox export|import ...` (mailbox-commands.ts).
// Exit codes: 0 done, 1 the command failed (unknown user, wrong password,
// taken email...), 2 bad usage, 78 bad configuration.
import type { Core } from '../core/core.js';
import { isAppError } from '../shared/app-error.js';
import { parseArgs, UsageError, type ParsedArgs } from './cli-args.js';
import { checkDomainCommand, DOMAIN_USAGE } from './domain-commands.js';
import { checkMailboxCommand, MAILBOX_USAGE } from './mailbox-commands.js';
import type { ProgressTarget } from './progress-bar.js';
import { checkUserCommand, USER_USAGE } from './user-command-args.js';

/** The core, opened once the arguments make sense; or the configuration's problems. */
export type OpenCli = () => Promise<{ core: Pick<Core, 'admin' | 'accounts' | 'transfer'>; close(): Promise<void> } | { configError: string }>;

const GROUPS = {
  user: { usage: USER_USAGE, check: checkUserCommand },
  domain: { usage: DOMAIN_USAGE, check: checkDomainCommand },
  mailbox: { usage: MAILBOX_USAGE, check: checkMailboxCommand },
} as const satisfies Record<string, { usage: string; check: (args: ParsedArgs) => unknown }>;

/** Where a command answers (stdout), complains (stderr, also the progress bar's) and reads --password-stdin from. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressTarget;
  readStdin(): Promise<string>;
}

/** The process's own streams: what `npm run cli` uses. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, readStdin };

/** The exit code; an error no command expected is printed as one line and exits 1. */
export async function runCli(argv: string[], open: OpenCli, io: CliIo = processIo): Promise<number> {
  try {
    return await run(argv, open, io);
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}

async function run(argv: string[], open: OpenCli, io: CliIo): Promise<number> {
  const usage = (err: Error, text = USER_USAGE): number => {
    io.stderr.write(`Error: ${err.message}\n\n${text}\n`);
    return 2;
  };
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    return usage(err as Error);
  }
  const json = args.options.has('json');
  const [group, ...rest] = args.positionals;
  if (!group || group === 'help' || (args.options.has('help') && !(group in GROUPS))) {
    io.stdout.write(`${USER_USAGE}\n\n${DOMAIN_USAGE}\n\n${MAILBOX_USAGE}\n`);
    return group || args.options.has('help') ? 0 : 2;
  }
  if (!(group in GROUPS)) return usage(new UsageError(`unknown command group "${group}"`));
  const { usage: groupUsage, check } = GROUPS[group as keyof typeof GROUPS];
  if (args.options.has('help')) {
    io.stdout.write(`${groupUsage}\n`);
    return 0;
  }
  try {
    // Before the database is touched: a wrong command line changes nothing.
    check({ ...args, positionals: rest });
  } catch (err) {
    if (err instanceof UsageError) return usage(err, groupUsage);
    throw err;
  }

  const opened = await open();
  if ('configError' in opened) {
    io.stderr.write(`${opened.configError}\n`);
    return 78;
  }
  const out = { json, print: (text: string) => io.stdout.write(`${text}\n`) };
  const groupArgs = { ...args, positionals: rest };
  try {
    if (group === 'domain') return await (await import('./domain-commands.js')).runDomainCommand(opened.core, groupArgs, out);
    if (group === 'mailbox') {
      const { runMailboxCommand } = await import('./mailbox-commands.js');
      return await runMailboxCommand(opened.core, groupArgs, out, io.stderr);
    }
    // Loaded only now: a usage error answers without loading the commands' modules.
    const { runUserCommand } = await import('./user-commands.js');
    return await runUserCommand(opened.core, groupArgs, out, io.readStdin);
  } catch (err) {
    if (err instanceof UsageError) return usage(err, groupUsage);
    if (!isAppError(err)) throw err;
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
    io.stderr.write(`Error: ${err.message}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
