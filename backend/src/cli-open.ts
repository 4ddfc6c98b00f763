// How the CLI (cli-main.ts) opens ChitBox: the configuration from an
// environment, then the core (compose.ts) without the server's workers. Its
// own module so a test can run commands in its process the same way, on the
// same database, with the streams collected.
import type { OpenCli } from './cli/cli.js';
import { ConfigError, loadConfig } from './config/config.js';

/** logSink: where log lines go (standard error when not given). */
export function cliOpener(env: NodeJS.ProcessEnv, logSink?: { write(line: string): unknown }): OpenCli {
  return async () => {
    let config;
    try {
      config = loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return { configError: err.message };
      throw err;
    }
    // Loaded only now: a command line with a usage error answers without loading storage and the core.
    const [{ openCore }, { createLogger }] = await Promise.all([import('./compose.js'), import('./shared/logger.js')]);
    // Logs go to stderr, quietly: stdout is the command's answer.
    const log = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false, destination: 2, sink: logSink });
    const { core, close } = await openCore(config, log, { runWorkers: false });
    return { core, close: () => close(config.shutdownTimeoutMs) };
  };
}
