// The wiring, in one place: which storage engine, which parser, which relay,
// which content scanners, what instances share through Redis, and the core built on them. The server (app.ts) and the CLI (cli-main.ts)
// both start from here; nothing else constructs these.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadOrCreateJwtSecret } from './auth/jwt-secret.js';
import { PasswordHasher } from './auth/passwords.js';
import { TokenService } from './auth/tokens.js';
import type { Config } from './config/config.js';
import { buildCore, type Core } from './core/core.js';
import { EventBus } from './core/event-bus.js';
import { PipelineWatch } from './core/pipeline-watch.js';
import { LocalCounters } from './core/counters.js';
import { LocalPresence } from './core/presence.js';
import { ParsePool } from './mail/parse-pool/parse-pool.js';
import { WorkerHtmlSanitizer } from './mail/sanitize-pool/html-sanitizer.js';
import type { SocketAdapterFactory } from './redis/socket-adapter.js';
import { createSmtpRelay } from './relay/smtp-relay.js';
import { scannerFromConfig } from './scanning/scanner-from-config.js';
import type { Logger } from './shared/logger.js';
import type { MailStore } from './storage/mail-store.js';

export interface OpenCore {
  core: Core;
  store: MailStore;
  /** Socket.IO's Redis adapter when instances share events; null: this process's sockets only */
  socketAdapter: SocketAdapterFactory | null;
  /** stops the core's workers, then closes the parser and the store */
  close(timeoutMs: number): Promise<void>;
}

/** runWorkers: the server delivers webhooks and relays queued mail; the CLI does not. */
export async function openCore(config: Config, log: Logger, opts: { runWorkers: boolean }): Promise<OpenCore> {
  const store = await openStore(config, log);
  const parser = new ParsePool({ ...config.parsing, log: log.child({ component: 'parser' }) });
  // The server's first message must not wait for a parse thread to start.
  if (opts.runWorkers) await parser.start();
  const tokens = new TokenService({
    secret: await jwtSecret(config, store),
    expiresIn: config.auth.jwtExpiresIn,
    issuer: config.auth.jwtIssuer,
    audience: config.auth.jwtAudience,
  });
  const htmlSanitizer = new WorkerHtmlSanitizer({ timeoutMs: config.parsing.timeoutMs, log: log.child({ component: 'sanitizer' }) });
  const relay = opts.runWorkers && config.relay ? createSmtpRelay(config.relay, config.smtp.hostname) : null;
  // The CLI shares nothing with running instances but the database.
  const redis = opts.runWorkers && config.redis ? await openRedis(config, config.redis, log) : null;
  const core = await buildCore(
    {
      config, log, store, parser, tokens, htmlSanitizer,
      events: new EventBus(),
      hasher: new PasswordHasher(config.auth.passwordHash),
      pipeline: new PipelineWatch(),
      scanner: scannerFromConfig(config.scanners),
      // This process's sockets and counts, or shared by the instances through Redis.
      presence: redis?.presence ?? new LocalPresence(),
      counters: redis?.counters ?? new LocalCounters(),
      redisState: () => redis?.state() ?? 'off',
    },
    { runWorkers: opts.runWorkers, relay },
  );
  // A change made on another instance wakes this one's IDLE sessions, and ours wake theirs.
  redis?.shareMailboxChanges(core.mailboxChanges);
  return {
    core,
    store,
    socketAdapter: redis?.socketAdapter ?? null,
    async close(timeoutMs) {
      await core.stop(timeoutMs);
      await redis?.close();
      await parser.close();
      await htmlSanitizer.close();
      await store.close();
    },
  };
}

/** Loaded only when asked for: a single instance never pays for the Redis clients. */
async function openRedis(config: Config, redis: NonNullable<Config['redis']>, log: Logger) {
  const { openRedisShared } = await import('./redis/redis-shared.js');
  return openRedisShared({ ...config, redis }, log.child({ component: 'redis' }));
}

/**
 * SQLite in DATA_DIR, or PostgreSQL (the engine the DATABASE_URL names).
 * Only the chosen engine is loaded: each brings its driver and its own
 * Prisma client, and a CLI command should not pay to start both.
 */
async function openStore(config: Config, log: Logger): Promise<MailStore> {
  const db = config.database;
  if (db.engine === 'postgresql') {
    const { openPostgresStore } = await import('./storage/postgres/pg-store.js');
    return openPostgresStore({ url: db.url, poolSize: db.poolSize, statementTimeoutMs: db.statementTimeoutMs, searchTimeoutMs: config.search.timeoutMs });
  }
  const { openSqliteStore } = await import('./storage/sqlite/sqlite-store.js');
  const store = await openSqliteStore({
    filePath: db.filePath,
    busyTimeoutMs: db.busyTimeoutMs,
    blobRoot: path.join(config.dataDir, 'blobs'),
    inlineMaxBytes: config.blobs.inlineMaxBytes,
    searchTimeoutMs: config.search.timeoutMs,
  });
  if (store.orphanBlobsRemoved > 0) log.info({ files: store.orphanBlobsRemoved }, 'removed blob files no message referenced (left by a crash)');
  return store;
}

/**
 * JWT_SECRET, or one generated once: in the database when instances share it
 * (a token issued by one is accepted by all), else in the data directory.
 */
async function jwtSecret(config: Config, store: MailStore): Promise<string> {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  if (store.secrets) return store.secrets.getOrCreate('jwt', () => randomBytes(48).toString('base64url'));
  return loadOrCreateJwtSecret(config.dataDir, undefined);
}
