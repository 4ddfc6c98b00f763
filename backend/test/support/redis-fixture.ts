// Redis for the tests: the machine's server (REDIS_URL, or 127.0.0.1:6379),
// a key prefix of the test's own (starting with the branch's name), and a
// TCP proxy in front of it that a test can take down and bring back, to see
// what ChitBox does while Redis is away without stopping anyone's Redis.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.CHITBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** null when Redis answers PING, else why not (the test then skips, saying so). */
export async function redisUnavailable(): Promise<string | null> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    return `Redis at ${REDIS_URL} does not answer (${(err as Error).message})`;
  } finally {
    client.disconnect();
  }
}

export const testPrefix = () => `cluster-test-${randomBytes(4).toString('hex')}`;

/** Removes every key under the prefix. */
export async function dropKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export interface RedisProxy {
  url: string;
  /** closes every connection through it and refuses new ones */
  down(): Promise<void>;
  /** accepts connections again, on the same port */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const down = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    down,
    up: () => listen(port),
    close: async () => {
      if (server.listening) await down();
    },
  };
}
