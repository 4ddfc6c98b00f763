// A login re-hashes a password whose stored hash is of the other scheme:
// the same database file served with PASSWORD_HASH=bcrypt, then argon2id,
// then bcrypt again, logging in over HTTP each time.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer } from '../support/test-server.js';
import { dbRows } from '../support/db-peek.js';

let dataDir: string;
const ARGON = { PASSWORD_HASH: 'argon2id', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', ARGON2_PARALLELISM: '1' };

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-rehash-'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function storedHash(email: string): Promise<string> {
  return (await dbRows<{ h: string }>(dataDir, 'SELECT password_hash AS h FROM users WHERE email = ?', email))[0]!.h;
}

async function withServer(env: Record<string, string>, run: (login: (pw: string) => Promise<number>) => Promise<void>): Promise<void> {
  const server = await startTestServer(env, dataDir);
  try {
    await run(async (password) => (await server.api().post('/api/auth/login', { email: 'ann@example.test', password })).status);
  } finally {
    await server.stop();
  }
}

describe('login re-hashes an outdated password hash', { timeout: 60_000 }, () => {
  it('bcrypt -> argon2id -> bcrypt, the password working all along', async () => {
    const first = await startTestServer({}, dataDir);
    await first.register('ann@example.test');
    await first.stop();
    const bcryptHash = await storedHash('ann@example.test');
    expect(bcryptHash).toMatch(/^\$2b\$04\$/);

    await withServer(ARGON, async (login) => {
      expect(await login('not the password')).toBe(401);
      expect(await storedHash('ann@example.test')).toBe(bcryptHash);
      expect(await login(PASSWORD)).toBe(200);
      expect(await storedHash('ann@example.test')).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      const argonHash = await storedHash('ann@example.test');
      expect(await login(PASSWORD)).toBe(200);
      expect(await storedHash('ann@example.test')).toBe(argonHash);
    });

    await withServer({}, async (login) => {
      expect(await login(PASSWORD)).toBe(200);
      expect(await storedHash('ann@example.test')).toMatch(/^\$2b\$04\$/);
    });
  });
});
