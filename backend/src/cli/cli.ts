// The operator's shell: `npm run cli -- user <command> ...` (user-commands.ts)
// and `npm run cli -- domain <command>` (domain-commands.ts).
// Exit codes: 0 done, 1 the command failed (unknown user, wrong password,
// taken email...), 2 bad usage, 78 bad configuration.
import type { Core } from '../core/core.js';
import { isAppError } from '../shared/app-error.js';
import { parseArgs, UsageError } from './cli-args.js';
import { checkDomainCommand, DOMAIN_USAGE } from './domain-commands.js';
import { checkUserCommand, USER_USAGE } from './user-command-args.js';

/** The core, opened once the arguments make sense; or the configuration's problems. */
export type OpenCli = () => Promise<{ core: Pick<Core, 'admin' | 'accounts'>; close(): Promise<void> } | { configError: string }>;

export async function runCli(argv: string[], open: OpenCli): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    return usage(err as Error);
  }
  const json = args.options.has('json');
  const [group, ...rest] = args.positionals;
  if (!group || args.options.has('help') || group === 'help') {
    process.stdout.write(`${USER_USAGE}\n\n${DOMAIN_USAGE}\n`);
    return group || args.options.has('help') ? 0 : 2;
  }
  if (group !== 'user' && group !== 'domain') return usage(new UsageError(`unknown command group "${group}"`));
  try {
    // Before the database is touched: a wrong command line changes nothing.
    (group === 'user' ? checkUserCommand : checkDomainCommand)({ ...args, positionals: rest });
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    throw err;
  }

  const opened = await open();
  if ('configError' in opened) {
    process.stderr.write(`${opened.configError}\n`);
    return 78;
  }
  const out = { json, print: (text: string) => process.stdout.write(`${text}\n`) };
  try {
    // Loaded only now: a usage error answers without loading the commands' modules.
    if (group === 'domain') return await (await import('./domain-commands.js')).runDomainCommand(opened.core, { ...args, positionals: rest }, out);
    const { runUserCommand } = await import('./user-commands.js');
    return await runUserCommand(opened.core, { ...args, positionals: rest }, out, readStdin);
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    if (!isAppError(err)) throw err;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
    process.stderr.write(`Error: ${err.message}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

function usage(err: Error): number {
  process.stderr.write(`Error: ${err.message}\n\n${USER_USAGE}\n`);
  return 2;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
