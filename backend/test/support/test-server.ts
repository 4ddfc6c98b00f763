// Starts a real ChitBox (SMTP + HTTP + Socket.IO) on port 0 with a throwaway
// data directory (and, with CHITBOX_TEST_DATABASE=postgresql, a PostgreSQL
// database of its own), and gives tests small real clients for it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { io, type Socket } from 'socket.io-client';
import { startChitbox, type RunningChitbox } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { databaseEnv } from './pg-test-db.js';
import { dropKeys, testPrefix } from './redis-fixture.js';

export interface TestServer {
  chitbox: RunningChitbox;
  dataDir: string;
  baseUrl: string;
  smtpPort: number;
  register(email: string, password?: string): Promise<{ token: string; user: { id: number; email: string } }>;
  api(token?: string): ApiClient;
  socket(token: string): Promise<Socket>;
  mailer(): Transporter;
  stop(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  bytes: Buffer;
}

export interface ApiClient {
  get<T = any>(p: string): Promise<ApiResponse<T>>;
  post<T = any>(p: string, body?: unknown): Promise<ApiResponse<T>>;
  patch<T = any>(p: string, body?: unknown): Promise<ApiResponse<T>>;
  del<T = any>(p: string): Promise<ApiResponse<T>>;
  raw(method: string, p: string, init?: RequestInit): Promise<ApiResponse>;
}

export const PASSWORD = 'correct horse battery';

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-test-')));
  // CI's second run sets it: every server then shares its events, counters and presence through Redis, under a prefix of its own.
  const redisPrefix = process.env.CHITBOX_TEST_REDIS_URL ? testPrefix() : null;
  const config = loadConfig({
    ...(redisPrefix ? { REDIS_URL: process.env.CHITBOX_TEST_REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : {}),
    NODE_ENV: 'test',
    DATA_DIR: dir,
    PORT: '0',
    HTTP_HOST: '127.0.0.1',
    SMTP_SERVER_PORT: '0',
    SMTP_SERVER_HOST: '127.0.0.1',
    IMAP_PORT: '0',
    IMAP_HOST: '127.0.0.1',
    SMTP_HOSTNAME: 'mx.chitbox.test',
    BCRYPT_COST: '4',
    MAIL_DOMAINS: 'example.test',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...(await databaseEnv(dir)),
    ...env,
  });
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });
  const chitbox = await startChitbox(config, log);
  const baseUrl = `http://127.0.0.1:${chitbox.httpPort}`;
  const sockets: Socket[] = [];
  const transports: Transporter[] = [];

  const api = (token?: string): ApiClient => apiClient(baseUrl, token);

  return {
    chitbox,
    dataDir: dir,
    baseUrl,
    smtpPort: chitbox.smtpPort,
    api,
    async register(email, password = PASSWORD) {
      const res = await api().post('/api/auth/register', { email, password });
      if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    socket(token) {
      const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    },
    mailer() {
      // One pooled connection: smtp-server waits 100 ms before each greeting.
      const t = nodemailer.createTransport({
        host: '127.0.0.1', port: chitbox.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1,
        maxMessages: Infinity,
      });
      transports.push(t);
      return t;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      for (const t of transports) t.close();
      await chitbox.stop();
      if (redisPrefix) await dropKeys(redisPrefix);
      if (!dataDir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small client for the API at baseUrl, sending the token when given. */
export function apiClient(baseUrl: string, token?: string): ApiClient {
  const raw = async (method: string, p: string, init: RequestInit = {}): Promise<ApiResponse> => {
    const headers = new Headers(init.headers);
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(baseUrl + p, { ...init, method, headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') && bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined;
    return { status: res.status, headers: res.headers, body, bytes };
  };
  const json = (method: string) => (p: string, body?: unknown) =>
    raw(method, p, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { get: (p) => raw('GET', p), post: json('POST'), patch: json('PATCH'), del: (p) => raw('DELETE', p), raw };
}

/** Resolves with the next `event` payloads, or rejects after timeoutMs. */
export function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Collects every `event` payload the socket receives from now on. */
export function collectEvents<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
