// Password hashes: bcrypt by default, Argon2id when PASSWORD_HASH says so,
// both verified whatever is configured, and needsRehash() telling exactly
// when a stored hash is not what the configuration would make now.
import { describe, expect, it } from 'vitest';
import { PasswordHasher, type PasswordHashSettings } from '../../src/auth/passwords.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const small = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };
const bcryptHasher = new PasswordHasher({ scheme: 'bcrypt', bcryptCost: 4, argon2: small });
const argonHasher = new PasswordHasher({ scheme: 'argon2id', bcryptCost: 4, argon2: small });
const PW = 'correct horse battery';

describe('configuration', () => {
  it('defaults to bcrypt; argon2id takes OWASP parameters unless told otherwise', async () => {
    expect(loadConfig({}).auth.passwordHash).toEqual({
      scheme: 'bcrypt', bcryptCost: 12, argon2: { memoryKiB: 19456, timeCost: 2, parallelism: 1 },
    });
    const config = loadConfig({ PASSWORD_HASH: 'argon2id' });
    const hash = await new PasswordHasher(config.auth.passwordHash).hash(PW);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('names a bad PASSWORD_HASH or Argon2 parameter', () => {
    expect(() => loadConfig({ PASSWORD_HASH: 'scrypt' })).toThrow(ConfigError);
    expect(() => loadConfig({ PASSWORD_HASH: 'scrypt' })).toThrow(/PASSWORD_HASH/);
    expect(() => loadConfig({ ARGON2_MEMORY_KIB: '8' })).toThrow(/ARGON2_MEMORY_KIB/);
  });
});

describe('PasswordHasher', () => {
  it('hashes in the configured scheme', async () => {
    expect(await bcryptHasher.hash(PW)).toMatch(/^\$2b\$04\$/);
    expect(await argonHasher.hash(PW)).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it('verifies both schemes whichever is configured, and nothing else', async () => {
    const fromBcrypt = await bcryptHasher.hash(PW);
    const fromArgon = await argonHasher.hash(PW);
    for (const hasher of [bcryptHasher, argonHasher]) {
      expect(await hasher.verify(PW, fromBcrypt)).toBe(true);
      expect(await hasher.verify(PW, fromArgon)).toBe(true);
      expect(await hasher.verify('wrong password', fromBcrypt)).toBe(false);
      expect(await hasher.verify('wrong password', fromArgon)).toBe(false);
      for (const junk of ['', 'plain text', '$2b$04$short', '$argon2id$v=19$m=1024,t=1,p=1$AAAA$BBBB', fromArgon.replace('argon2id', 'argon2x')]) {
        expect(await hasher.verify(PW, junk)).toBe(false);
      }
    }
  });

  it('verifies hashes made elsewhere: $2a$/$2y$ bcrypt and argon2i/argon2d', async () => {
    const b = await bcryptHasher.hash(PW);
    expect(await argonHasher.verify(PW, b.replace('$2b$', '$2a$'))).toBe(true);
    expect(await argonHasher.verify(PW, b.replace('$2b$', '$2y$'))).toBe(true);
    const argon2 = (await import('argon2')).default;
    for (const type of [argon2.argon2i, argon2.argon2d]) {
      const h = await argon2.hash(PW, { type, memoryCost: 1024, timeCost: 1, parallelism: 2 });
      expect(await bcryptHasher.verify(PW, h)).toBe(true);
    }
  });

  it('tells when a hash should be made again', async () => {
    const settings = (s: Partial<PasswordHashSettings>): PasswordHashSettings => ({ scheme: 'argon2id', bcryptCost: 4, argon2: small, ...s });
    const b4 = await bcryptHasher.hash(PW);
    const a = await argonHasher.hash(PW);
    expect(bcryptHasher.needsRehash(b4)).toBe(false);
    expect(bcryptHasher.needsRehash(a)).toBe(true);
    expect(new PasswordHasher(settings({ scheme: 'bcrypt', bcryptCost: 5 })).needsRehash(b4)).toBe(true);
    expect(argonHasher.needsRehash(a)).toBe(false);
    expect(argonHasher.needsRehash(b4)).toBe(true);
    expect(new PasswordHasher(settings({ argon2: { ...small, memoryKiB: 2048 } })).needsRehash(a)).toBe(true);
    expect(new PasswordHasher(settings({ argon2: { ...small, timeCost: 2 } })).needsRehash(a)).toBe(true);
    expect(new PasswordHasher(settings({ argon2: { ...small, parallelism: 2 } })).needsRehash(a)).toBe(true);
    expect(argonHasher.needsRehash(a.replace('$argon2id$', '$argon2i$'))).toBe(true);
    expect(argonHasher.needsRehash(a.replace('$v=19$', '$v=16$'))).toBe(true);
    expect(argonHasher.needsRehash('garbage')).toBe(true);
  });

  it('spends a verification on unknown users too', async () => {
    expect(await argonHasher.verifyNobody(PW)).toBe(false);
    expect(await bcryptHasher.verifyNobody(PW)).toBe(false);
  });
});
