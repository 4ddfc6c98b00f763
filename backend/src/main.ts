// Composition root: read config once, start everything, stop gracefully.
// Run it with `node --import tsx backend/src/main.ts` under a process manager
// (npm does not forward SIGTERM to its child).
import 'dotenv/config';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { startChitbox } from './app.js';
import { createLogger } from './shared/logger.js';
import { START_FAILURE_PREFIX, startFailureMessage } from './start-failure.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${START_FAILURE_PREFIX} ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Readable lines in development (also under `npm run dev`, where stdout is a pipe).
  const log = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
  const chitbox = await startChitbox(config, log).catch((err: unknown) => {
    console.error(startFailureMessage(err, config));
    process.exit(1);
  });
  const migrations = { applied: chitbox.store.migrationsApplied };
  log.info(
    {
      api: `http://${config.http.host}:${chitbox.httpPort}`,
      smtp: `${config.smtp.host}:${chitbox.smtpPort}`,
      inbox: chitbox.inboxPort ? `http://${config.http.host}:${chitbox.inboxPort}` : 'not served here (npm run dev serves it with Vite)',
      database: config.database.display,
      dataDir: config.dataDir,
      migrationsApplied: migrations.applied,
    },
    'ChitBox started',
  );
  // A plain line for scripts and tests that wait for start-up.
  process.stdout.write(`chitbox ready api=${chitbox.httpPort} smtp=${chitbox.smtpPort} migrations=${migrations.applied.length} inbox=${chitbox.inboxPort ?? 'off'}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing in-flight mail');
    chitbox.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(`${START_FAILURE_PREFIX} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
