// The operator's shell: `npm run cli -- user <command> ...` (see user-commands.ts).
// Exit codes: 0 done, 1 the command failed (unknown user, wrong password,
// taken email...), 2 bad usage, 78 bad configuration.
import 'dotenv/config';
import { ConfigError, loadConfig } from '../config/config.js';
import { isAppError } from '../shared/app-error.js';
import { parseArgs, UsageError } from './cli-args.js';
import { checkUserCommand, USER_USAGE } from './user-command-args.js';

async function main(argv: string[]): Promise<number> {
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

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78;
    }
    throw err;
  }
  // Loaded only now: a usage error answers without loading the server's modules.
  const { createLogger } = await import('../shared/logger.js');
  const { buildServices } = await import('../core/services.js');
  const { buildOperations } = await import('../core/operations.js');
  const { runUserCommand } = await import('./user-commands.js');
  // Logs go to stderr, quietly: stdout is the command's answer.
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: false, destination: 2 });
  const services = await buildServices(config, log);
  const ops = await buildOperations(services, { deliverWebhooks: false });
  try {
    return await runUserCommand(
      { ...services, admins: ops.admins },
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
    await ops.stop();
    await services.db.close();
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`Error: ${(err as Error).message ?? err}\n`);
    process.exit(1);
  },
);
