// The operator's shell: `npm run cli -- user <command> ...` (see user-commands.ts).
// Exit codes: 0 done, 1 the command failed (unknown user, wrong password,
// taken email...), 2 bad usage, 78 bad configuration.
import type { Core } from '../core/core.js';
import { isAppError } from '../shared/app-error.js';
import { parseArgs, UsageError } from './cli-args.js';
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
    process.stdout.write(`${USER_USAGE}\n`);
    return group || args.options.has('help') ? 0 : 2;
  }
  if (group !== 'user') return usage(new UsageError(`unknown command group "${group}"`));
  try {
    // Before the database is touched: a wrong command line changes nothing.
    checkUserCommand({ ...args, positionals: rest });
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    throw err;
  }

  const opened = await open();
  if ('configError' in opened) {
    process.stderr.write(`${opened.configError}\n`);
    return 78;
  }
  // Loaded only now: a usage error answers without loading the commands' modules.
  const { runUserCommand } = await import('./user-commands.js');
  try {
    return await runUserCommand(
      opened.core,
      { ...args, positionals: rest },
      { json, print: (text) => process.stdout.write(`${text}\n`) },
      readStdin,
    );
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
