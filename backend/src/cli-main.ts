// The operator's shell, `npm run cli -- user <command> ...`: reads the
// configuration, builds the core (compose.ts) without the server's workers,
// and hands it to the command (cli/cli.ts).
import 'dotenv/config';
import { runCli } from './cli/cli.js';
import { ConfigError, loadConfig } from './config/config.js';

runCli(process.argv.slice(2), async () => {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return { configError: err.message };
    throw err;
  }
  // Loaded only now: a command line with a usage error answers without loading storage and the core.
  const [{ openCore }, { createLogger }] = await Promise.all([import('./compose.js'), import('./shared/logger.js')]);
  // Logs go to stderr, quietly: stdout is the command's answer.
  const log = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false, destination: 2 });
  const { core, close } = await openCore(config, log, { runWorkers: false });
  return { core, close: () => close(config.shutdownTimeoutMs) };
}).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`Error: ${(err as Error).message ?? err}\n`);
    process.exit(1);
  },
);
