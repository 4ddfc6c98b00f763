// The only reader of process.env. Produces one validated, frozen Config; a bad
// key fails start-up with every problem named (STYLE.md practice 14).
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

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  PORT: port.default(3005),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_BODY_LIMIT: z.string().default('1mb'),
  CORS_ORIGIN: z.string().optional(),
  FRONTEND_PORT: port.default(3004),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  MAIL_DOMAINS: csv.default([]),
  SMTP_SERVER_PORT: port.default(2525),
  SMTP_SERVER_HOST: z.string().default('0.0.0.0'),
  SMTP_SERVER_BANNER: z.string().default('ChitBox'),
  SMTP_HOSTNAME: z.string().default(os.hostname()),
  SMTP_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(25 * MiB),
  SMTP_MAX_RECIPIENTS: z.coerce.number().int().positive().default(100),
  SMTP_MAX_CLIENTS: z.coerce.number().int().positive().default(500),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce.number().int().positive().default(5 * 60_000),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_EXPIRES_IN: z.string().regex(/^\d+[smhd]?$/, 'use e.g. 3600, 15m, 12h or 7d').default('7d'),
  JWT_ISSUER: z.string().default('chitbox'),
  JWT_AUDIENCE: z.string().default('chitbox-web'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SMTP_ALLOW_INSECURE_AUTH: bool.default(false),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  logLevel: string;
  http: Readonly<{ port: number; host: string; bodyLimit: string; corsOrigin: string | undefined }>;
  frontendPort: number;
  dataDir: string;
  database: Readonly<{ url: string; filePath: string; busyTimeoutMs: number }>;
  mailDomains: readonly string[];
  smtp: Readonly<{
    port: number;
    host: string;
    banner: string;
    hostname: string;
    maxMessageBytes: number;
    maxRecipients: number;
    maxClients: number;
    socketTimeoutMs: number;
    allowInsecureAuth: boolean;
  }>;
  auth: Readonly<{
    bcryptCost: number;
    jwtSecret: string | undefined;
    jwtExpiresIn: string;
    jwtIssuer: string;
    jwtAudience: string;
  }>;
  shutdownTimeoutMs: number;
}>;

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
  const dbUrl = e.DATABASE_URL ?? `file:${path.join(dataDir, 'chitbox.db')}`;
  if (!dbUrl.startsWith('file:')) {
    throw new ConfigError(
      `Invalid configuration:\n  DATABASE_URL: only file: (SQLite) URLs are supported by this build, got "${dbUrl.split(':')[0]}:"`,
    );
  }
  const filePath = path.resolve(dbUrl.slice('file:'.length).split('?')[0]!);
  const config: Config = {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    http: { port: e.PORT, host: e.HTTP_HOST, bodyLimit: e.HTTP_BODY_LIMIT, corsOrigin: e.CORS_ORIGIN },
    frontendPort: e.FRONTEND_PORT,
    dataDir,
    database: { url: `file:${filePath}`, filePath, busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS },
    mailDomains: e.MAIL_DOMAINS,
    smtp: {
      port: e.SMTP_SERVER_PORT,
      host: e.SMTP_SERVER_HOST,
      banner: e.SMTP_SERVER_BANNER,
      hostname: e.SMTP_HOSTNAME,
      maxMessageBytes: e.SMTP_MAX_MESSAGE_BYTES,
      maxRecipients: e.SMTP_MAX_RECIPIENTS,
      maxClients: e.SMTP_MAX_CLIENTS,
      socketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS,
      allowInsecureAuth: e.SMTP_ALLOW_INSECURE_AUTH,
    },
    auth: {
      bcryptCost: e.BCRYPT_COST,
      jwtSecret: e.JWT_SECRET,
      jwtExpiresIn: e.JWT_EXPIRES_IN,
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
