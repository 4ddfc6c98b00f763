// The only reader of process.env. Produces one validated, frozen Config; a bad
// key fails start-up with every problem named (STYLE.md practice 14).
import { createHash } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean));

/** 0 switches a limit off */
const count = z.coerce.number().int().min(0);
export const WEBHOOK_EVENT_NAMES = [
  'message.received', 'message.sent', 'message.failed', 'spam.detected', 'virus.detected', 'user.created', 'auth.failed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  PORT: port.default(3005),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_BODY_LIMIT: z.string().default('1mb'),
  CORS_ORIGIN: z.string().optional(),
  TRUST_PROXY: csv
    .transform((list) => (list.length === 1 && list[0] === 'none' ? [] : list))
    .pipe(z.array(z.string().refine(isAddressOrSubnet, 'each entry an IP address or subnet (10.0.0.0/8), or "none"')))
    .default(['127.0.0.1', '::1']),
  FRONTEND_PORT: port.default(3004),
  SERVE_INBOX: bool.optional(),
  INBOX_DIST_DIR: z.string().default('./frontend/dist'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  BLOB_INLINE_MAX_BYTES: count.max(1024 * 1024).default(64 * 1024),
  MAIL_DOMAINS: csv.default([]),
  REGISTRATION: z.enum(['open', 'domains', 'closed']).default('domains'),
  SMTP_SERVER_PORT: port.default(2525),
  SMTP_SERVER_HOST: z.string().default('0.0.0.0'),
  SMTP_SERVER_BANNER: z.string().default('ChitBox'),
  SMTP_HOSTNAME: z.string().default(os.hostname()),
  SMTP_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(25 * MiB),
  SMTP_MAX_RECIPIENTS: z.coerce.number().int().positive().default(100),
  SMTP_MAX_CLIENTS: z.coerce.number().int().positive().default(500),
  SMTP_DATA_BUFFER_BYTES: z.coerce.number().int().positive().default(64 * MiB),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce.number().int().positive().default(5 * 60_000),
  SMTP_MAX_CONNECTIONS_PER_IP: count.default(20),
  SMTP_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  SMTP_DATA_TIMEOUT_MS: z.coerce.number().int().positive().default(10 * 60_000),
  IMAP_ENABLED: bool.default(true),
  IMAP_PORT: port.default(1143),
  IMAP_HOST: z.string().default('0.0.0.0'),
  PARSE_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  PARSE_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  SEARCH_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  HEALTH_STALL_MS: z.coerce.number().int().positive().default(60_000),
  PASSWORD_HASH: z.enum(['bcrypt', 'argon2id']).default('bcrypt'),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  // OWASP's Argon2id minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).max(4 * 1024 * 1024).default(19456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).max(100).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_EXPIRES_IN: z.string().regex(/^\d+[smhd]?$/, 'use e.g. 3600, 15m, 12h or 7d').default('7d'),
  JWT_ISSUER: z.string().default('chitbox'),
  JWT_AUDIENCE: z.string().default('chitbox-web'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SMTP_ALLOW_INSECURE_AUTH: bool.default(false),
  // Submission and outbound relay.
  SMTP_TLS_CERT: z.string().min(1).optional(),
  SMTP_TLS_KEY: z.string().min(1).optional(),
  SMTP_RELAY_HOST: z.string().min(1).optional(),
  SMTP_RELAY_PORT: port.default(587),
  SMTP_RELAY_USER: z.string().min(1).optional(),
  SMTP_RELAY_PASSWORD: z.string().optional(),
  SMTP_RELAY_SECURE: bool.default(false),
  SMTP_RELAY_REQUIRE_TLS: bool.default(false),
  SMTP_RELAY_TIMEOUT_MS: z.coerce.number().int().positive().default(5 * 60_000),
  QUEUE_RETRY_MIN_MS: z.coerce.number().int().positive().default(60_000),
  QUEUE_RETRY_MAX_MS: z.coerce.number().int().positive().default(60 * 60_000),
  QUEUE_GIVE_UP_MS: z.coerce.number().int().positive().default(2 * 24 * 60 * 60_000),
  QUEUE_POLL_MS: z.coerce.number().int().positive().default(5_000),
  QUEUE_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  QUEUE_LEASE_MS: z.coerce.number().int().min(1_000).default(60_000),
  // Operations: admins, quotas, metrics, rate limits, webhooks.
  ADMIN_EMAILS: csv.default([]),
  DEFAULT_QUOTA_MB: count.default(1024),
  METRICS_ALLOW: csv.default([]),
  RATE_LIMIT_LOOPBACK_EXEMPT: bool.default(true),
  RATE_LIMIT_SMTP_CONNECTIONS_PER_MINUTE: count.default(60),
  RATE_LIMIT_SMTP_MESSAGES_PER_HOUR: count.default(200),
  RATE_LIMIT_HTTP_PER_MINUTE: count.default(600),
  RATE_LIMIT_AUTH_WINDOW_MS: z.coerce.number().int().positive().default(15 * 60_000),
  RATE_LIMIT_AUTH_PER_IP: count.default(30),
  RATE_LIMIT_AUTH_PER_EMAIL: count.default(10),
  RATE_LIMIT_AUTH_BACKOFF_MS: z.coerce.number().int().positive().default(1_000),
  RATE_LIMIT_AUTH_BACKOFF_MAX_MS: z.coerce.number().int().positive().default(5 * 60_000),
  WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  WEBHOOK_EVENTS: csv.pipe(z.array(z.enum(WEBHOOK_EVENT_NAMES))).default([...WEBHOOK_EVENT_NAMES]),
  WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters').optional(),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  WEBHOOK_RETRY_MIN_MS: z.coerce.number().int().positive().default(5_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().positive().default(60 * 60_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().positive().default(2_000),
  // Spam and virus scanning through spamd and clamd.
  SMTP_ENABLE_SPAMASSASSIN: bool.default(false),
  SMTP_SPAMASSASSIN_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_SPAMASSASSIN_PORT: port.default(783),
  SPAM_REJECT_SCORE: z
    .string()
    .trim()
    .regex(/^(-?\d+(\.\d+)?)?$/, 'a score such as 15 or 12.5 (empty: off)')
    .transform((v) => (v === '' ? null : Number(v)))
    .optional(),
  SPAMASSASSIN_LEARN: bool.default(false),
  SPAMASSASSIN_MAX_BYTES: z.coerce.number().int().positive().default(512_000),
  SMTP_ENABLE_CLAMAV: bool.default(false),
  SMTP_CLAMAV_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_CLAMAV_PORT: port.default(3310),
  CLAMAV_MAX_BYTES: z.coerce.number().int().positive().optional(),
  SCANNER_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  // Many instances: Redis for shared events, counters and presence.
  INSTANCE_ID: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (at most 100)').optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9._:-]{1,50}$/, 'letters, digits and . _ : - (at most 50)').default('chitbox'),
});

/** Every setting the server reads; .env.example documents exactly these (a test checks it). */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  logLevel: string;
  /** trustProxy: the proxies whose X-Forwarded-For names the client (empty: none) */
  http: Readonly<{ port: number; host: string; bodyLimit: string; corsOrigin: string | undefined; trustProxy: readonly string[] }>;
  frontendPort: number;
  /** serve the built web inbox on frontendPort (production); Vite does it in dev */
  inbox: Readonly<{ serve: boolean; distDir: string }>;
  dataDir: string;
  database: DatabaseConfig;
  /** mail is parsed on up to `workers` threads; a parse running past timeoutMs is abandoned (header fields only) */
  parsing: Readonly<{ timeoutMs: number; workers: number }>;
  /** a search running past timeoutMs is stopped and answered 503 */
  search: Readonly<{ timeoutMs: number }>;
  /** /health reports a delivery in progress for longer than stallMs as a stalled pipeline */
  health: Readonly<{ stallMs: number }>;
  /** blobs of up to inlineMaxBytes are rows in the database, bigger ones files (0: every blob a file) */
  blobs: Readonly<{ inlineMaxBytes: number }>;
  /** local domains the operator configured (admins may add more; they are stored) */
  mailDomains: readonly string[];
  /** who may register: local domains only (and the first admin on a fresh install), anyone, or nobody */
  registration: 'open' | 'domains' | 'closed';
  smtp: Readonly<{
    port: number;
    host: string;
    banner: string;
    hostname: string;
    maxMessageBytes: number;
    maxRecipients: number;
    maxClients: number;
    /** DATA bytes all sessions together may hold in memory; past it, reading waits (the oldest transfer always proceeds) */
    dataBufferBytes: number;
    socketTimeoutMs: number;
    /** open sessions one client IP may hold (0: no cap; loopback exempt like the rate limits) */
    maxConnectionsPerIp: number;
    /**
     * an unauthenticated session must start a transaction (MAIL FROM) or
     * authenticate this often, whatever else it sends (NOOP, RSET...);
     * authenticated sessions get socketTimeoutMs
     */
    idleTimeoutMs: number;
    /** DATA, from 354 to the final dot, may take this long in total */
    dataTimeoutMs: number;
    allowInsecureAuth: boolean;
    /** STARTTLS is offered only when both are set (paths to PEM files) */
    tls: Readonly<{ certPath: string; keyPath: string }> | null;
  }>;
  /** the IMAP listener (null: switched off); STARTTLS and the AUTH rules are SMTP's */
  imap: Readonly<{ port: number; host: string }> | null;
  /** the smarthost for external recipients; null: external mail is refused */
  relay: Readonly<{
    host: string;
    port: number;
    user: string | undefined;
    password: string | undefined;
    secure: boolean;
    requireTls: boolean;
    timeoutMs: number;
  }> | null;
  /**
   * leaseMs: an instance sending a queue row or webhook delivery holds it this long, renewed while it works;
   * a row whose lease ran out (its instance died) is taken over by another
   */
  queue: Readonly<{ retryMinMs: number; retryMaxMs: number; giveUpMs: number; pollMs: number; concurrency: number; leaseMs: number }>;
  /** this process among the instances sharing one database: unique while it runs, the same across its restarts */
  instance: Readonly<{ id: string }>;
  /** shared events, counters and presence; null: one instance, all of it in memory */
  redis: Readonly<{ url: string; keyPrefix: string }> | null;
  auth: Readonly<{
    bcryptCost: number;
    /** new password hashes in this scheme; both schemes verify, and a login re-hashes an old one */
    passwordHash: Readonly<{
      scheme: 'bcrypt' | 'argon2id';
      bcryptCost: number;
      argon2: Readonly<{ memoryKiB: number; timeCost: number; parallelism: number }>;
    }>;
    jwtSecret: string | undefined;
    jwtExpiresIn: string;
    jwtIssuer: string;
    jwtAudience: string;
  }>;
  shutdownTimeoutMs: number;
  /** addresses that are always admins (besides users whose role is admin) */
  adminEmails: readonly string[];
  /** per-user quota when the user has none of their own; 0 = unlimited */
  quota: Readonly<{ defaultMb: number }>;
  /** who may read /metrics besides loopback: IPs, or "*" for anyone */
  metrics: Readonly<{ allow: readonly string[] }>;
  /** every count is per client IP; 0 switches that limit off */
  rateLimits: Readonly<{
    loopbackExempt: boolean;
    smtpConnectionsPerMinute: number;
    smtpMessagesPerHour: number;
    httpPerMinute: number;
    authWindowMs: number;
    authPerIp: number;
    /** failed sign-ins per account in the window before the back-off starts */
    authPerEmail: number;
    /** the first back-off delay per account, doubling with each failure up to authBackoffMaxMs */
    authBackoffMs: number;
    authBackoffMaxMs: number;
  }>;
  webhooks: Readonly<{
    url: string | undefined;
    events: readonly WebhookEventName[];
    secret: string | undefined;
    maxAttempts: number;
    retryMinMs: number;
    retryMaxMs: number;
    timeoutMs: number;
    pollMs: number;
  }>;
  /** content scanners; a null scanner is off */
  scanners: Readonly<{
    /** spamd; host may be the path of a Unix socket (starts with "/") */
    spamassassin: Readonly<{
      host: string;
      port: number;
      /** bigger messages are not sent to spamd (as spamc -s) */
      maxBytes: number;
      /** at or above this score: 550 5.7.1, nothing stored; null: never refuse */
      rejectScore: number | null;
      /** tell spamd (TELL) when a user moves a message into or out of Spam */
      learn: boolean;
    }> | null;
    /** clamd; host may be the path of a Unix socket (starts with "/") */
    clamav: Readonly<{
      host: string;
      port: number;
      /** bigger messages are not scanned; keep it at or below clamd's StreamMaxLength */
      maxBytes: number;
    }> | null;
    /** one scan (connect, send, answer) may take this long; then 451 4.3.0 */
    timeoutMs: number;
    connectTimeoutMs: number;
  }>;
}>;

export type DatabaseConfig =
  | Readonly<{ engine: 'sqlite'; url: string; filePath: string; busyTimeoutMs: number; display: string }>
  /** poolSize: Prisma's connections, and as many again for the hot path */
  | Readonly<{ engine: 'postgresql'; url: string; poolSize: number; statementTimeoutMs: number; display: string }>;

export class ConfigError extends Error {}

/** Validates an environment (process.env by default) into a frozen Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const database = databaseConfig(e, dataDir);
  if (!!e.SMTP_TLS_CERT !== !!e.SMTP_TLS_KEY) {
    throw new ConfigError('Invalid configuration:\n  SMTP_TLS_CERT / SMTP_TLS_KEY: set both (PEM files) or neither');
  }
  const config: Config = {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    http: { port: e.PORT, host: e.HTTP_HOST, bodyLimit: e.HTTP_BODY_LIMIT, corsOrigin: e.CORS_ORIGIN, trustProxy: e.TRUST_PROXY },
    frontendPort: e.FRONTEND_PORT,
    inbox: { serve: e.SERVE_INBOX ?? e.NODE_ENV === 'production', distDir: path.resolve(e.INBOX_DIST_DIR) },
    dataDir,
    database,
    blobs: { inlineMaxBytes: e.BLOB_INLINE_MAX_BYTES },
    parsing: { timeoutMs: e.PARSE_TIMEOUT_MS, workers: e.PARSE_WORKERS },
    search: { timeoutMs: e.SEARCH_TIMEOUT_MS },
    health: { stallMs: e.HEALTH_STALL_MS },
    mailDomains: e.MAIL_DOMAINS,
    registration: e.REGISTRATION,
    smtp: {
      port: e.SMTP_SERVER_PORT,
      host: e.SMTP_SERVER_HOST,
      banner: e.SMTP_SERVER_BANNER,
      hostname: e.SMTP_HOSTNAME,
      maxMessageBytes: e.SMTP_MAX_MESSAGE_BYTES,
      maxRecipients: e.SMTP_MAX_RECIPIENTS,
      maxClients: e.SMTP_MAX_CLIENTS,
      dataBufferBytes: e.SMTP_DATA_BUFFER_BYTES,
      socketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS,
      maxConnectionsPerIp: e.SMTP_MAX_CONNECTIONS_PER_IP,
      idleTimeoutMs: e.SMTP_IDLE_TIMEOUT_MS,
      dataTimeoutMs: e.SMTP_DATA_TIMEOUT_MS,
      allowInsecureAuth: e.SMTP_ALLOW_INSECURE_AUTH,
      tls: e.SMTP_TLS_CERT && e.SMTP_TLS_KEY ? { certPath: path.resolve(e.SMTP_TLS_CERT), keyPath: path.resolve(e.SMTP_TLS_KEY) } : null,
    },
    imap: e.IMAP_ENABLED ? { port: e.IMAP_PORT, host: e.IMAP_HOST } : null,
    relay: e.SMTP_RELAY_HOST
      ? {
          host: e.SMTP_RELAY_HOST,
          port: e.SMTP_RELAY_PORT,
          user: e.SMTP_RELAY_USER,
          password: e.SMTP_RELAY_PASSWORD,
          secure: e.SMTP_RELAY_SECURE,
          requireTls: e.SMTP_RELAY_REQUIRE_TLS,
          timeoutMs: e.SMTP_RELAY_TIMEOUT_MS,
        }
      : null,
    queue: {
      retryMinMs: e.QUEUE_RETRY_MIN_MS,
      retryMaxMs: Math.max(e.QUEUE_RETRY_MAX_MS, e.QUEUE_RETRY_MIN_MS),
      giveUpMs: e.QUEUE_GIVE_UP_MS,
      pollMs: e.QUEUE_POLL_MS,
      concurrency: e.QUEUE_CONCURRENCY,
      leaseMs: e.QUEUE_LEASE_MS,
    },
    instance: { id: e.INSTANCE_ID ?? defaultInstanceId(dataDir) },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : null,
    auth: {
      bcryptCost: e.BCRYPT_COST,
      passwordHash: {
        scheme: e.PASSWORD_HASH,
        bcryptCost: e.BCRYPT_COST,
        argon2: { memoryKiB: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
      },
      jwtSecret: e.JWT_SECRET,
      jwtExpiresIn: e.JWT_EXPIRES_IN,
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    adminEmails: e.ADMIN_EMAILS,
    quota: { defaultMb: e.DEFAULT_QUOTA_MB },
    metrics: { allow: e.METRICS_ALLOW },
    rateLimits: {
      loopbackExempt: e.RATE_LIMIT_LOOPBACK_EXEMPT,
      smtpConnectionsPerMinute: e.RATE_LIMIT_SMTP_CONNECTIONS_PER_MINUTE,
      smtpMessagesPerHour: e.RATE_LIMIT_SMTP_MESSAGES_PER_HOUR,
      httpPerMinute: e.RATE_LIMIT_HTTP_PER_MINUTE,
      authWindowMs: e.RATE_LIMIT_AUTH_WINDOW_MS,
      authPerIp: e.RATE_LIMIT_AUTH_PER_IP,
      authPerEmail: e.RATE_LIMIT_AUTH_PER_EMAIL,
      authBackoffMs: e.RATE_LIMIT_AUTH_BACKOFF_MS,
      authBackoffMaxMs: Math.max(e.RATE_LIMIT_AUTH_BACKOFF_MAX_MS, e.RATE_LIMIT_AUTH_BACKOFF_MS),
    },
    webhooks: {
      url: e.WEBHOOK_URL,
      events: e.WEBHOOK_EVENTS,
      secret: e.WEBHOOK_SECRET,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryMinMs: e.WEBHOOK_RETRY_MIN_MS,
      retryMaxMs: Math.max(e.WEBHOOK_RETRY_MAX_MS, e.WEBHOOK_RETRY_MIN_MS),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      pollMs: e.WEBHOOK_POLL_MS,
    },
    scanners: {
      spamassassin: e.SMTP_ENABLE_SPAMASSASSIN
        ? {
            host: e.SMTP_SPAMASSASSIN_HOST,
            port: e.SMTP_SPAMASSASSIN_PORT,
            maxBytes: e.SPAMASSASSIN_MAX_BYTES,
            rejectScore: e.SPAM_REJECT_SCORE ?? null,
            learn: e.SPAMASSASSIN_LEARN,
          }
        : null,
      clamav: e.SMTP_ENABLE_CLAMAV
        ? { host: e.SMTP_CLAMAV_HOST, port: e.SMTP_CLAMAV_PORT, maxBytes: e.CLAMAV_MAX_BYTES ?? e.SMTP_MAX_MESSAGE_BYTES }
        : null,
      timeoutMs: e.SCANNER_TIMEOUT_MS,
      // A daemon that is down refuses at once; one that does not accept within this is as good as down.
      connectTimeoutMs: Math.min(5_000, e.SCANNER_TIMEOUT_MS),
    },
  };
  return deepFreeze(config);
}

/**
 * The host and the data directory: a restarted process is the same instance
 * (it may take back at once the queue rows it held when it died), and two
 * processes never share both.
 */
function defaultInstanceId(dataDir: string): string {
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60) || 'host';
  return `${host}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

type Env = z.infer<typeof envSchema>;

/** file: URLs (the default, in DATA_DIR) are SQLite; postgresql:// and postgres:// URLs PostgreSQL. */
function databaseConfig(e: Env, dataDir: string): DatabaseConfig {
  const url = e.DATABASE_URL ?? `file:${path.join(dataDir, 'chitbox.db')}`;
  if (url.startsWith('file:')) {
    const filePath = path.resolve(url.slice('file:'.length).split('?')[0]!);
    return { engine: 'sqlite', url: `file:${filePath}`, filePath, busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS, display: filePath };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError('Invalid configuration:\n  DATABASE_URL: not a valid postgresql:// URL');
    }
    if (parsed.password) parsed.password = '***';
    return { engine: 'postgresql', url, poolSize: e.PG_POOL_SIZE, statementTimeoutMs: e.PG_STATEMENT_TIMEOUT_MS, display: parsed.toString() };
  }
  throw new ConfigError(
    `Invalid configuration:\n  DATABASE_URL: use file:<path> (SQLite) or postgresql://user[:password]@host:port/db, got "${url.split(':')[0]}:"`,
  );
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length || !net.isIP(address!)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv4(address!) ? 32 : 128));
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
