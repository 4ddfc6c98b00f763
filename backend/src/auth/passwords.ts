// Password hashing: new hashes in the configured scheme (PASSWORD_HASH,
// bcrypt by default, or Argon2id), and both schemes verified, so a change of
// scheme needs no reset: needsRehash() tells the login to re-hash an old
// hash while it holds the password. bcrypt reads at most 72 bytes, so longer
// passwords are refused rather than silently truncated (for both schemes,
// so switching never locks anyone out).
import argon2 from 'argon2';
import bcrypt from 'bcrypt';

export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 72;

export type PasswordScheme = 'bcrypt' | 'argon2id';

export interface PasswordHashSettings {
  scheme: PasswordScheme;
  bcryptCost: number;
  /** RFC 9106 parameters; ChitBox's defaults are OWASP's m=19456 KiB, t=2, p=1 */
  argon2: { memoryKiB: number; timeCost: number; parallelism: number };
}

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([^$]+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const ARGON2_VERSION = 0x13;

export class PasswordHasher {
  /** a real hash to compare against for unknown users, so timing says nothing */
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly settings: PasswordHashSettings) {}

  hash(password: string): Promise<string> {
    if (this.settings.scheme === 'bcrypt') return bcrypt.hash(password, this.settings.bcryptCost);
    const { memoryKiB, timeCost, parallelism } = this.settings.argon2;
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: memoryKiB, timeCost, parallelism });
  }

  /** True when the password matches a bcrypt or an Argon2 hash; false for anything else. */
  async verify(password: string, hash: string): Promise<boolean> {
    // $2y$ (PHP's name) is the same algorithm as $2b$, which is all the binding knows.
    if (BCRYPT.test(hash)) return bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
    if (ARGON2.test(hash)) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** The hash is not what hash() would make now (other scheme, other cost or parameters): re-hash it at the next login. */
  needsRehash(hash: string): boolean {
    if (this.settings.scheme === 'bcrypt') {
      const m = BCRYPT.exec(hash);
      return !m || Number(m[1]) !== this.settings.bcryptCost;
    }
    const m = ARGON2.exec(hash);
    if (!m || m[1] !== 'argon2id' || Number(m[2]) !== ARGON2_VERSION) return true;
    const params = Object.fromEntries(m[3]!.split(',').map((kv) => kv.split('=') as [string, string]));
    const { memoryKiB, timeCost, parallelism } = this.settings.argon2;
    return Number(params.m) !== memoryKiB || Number(params.t) !== timeCost || Number(params.p) !== parallelism;
  }

  /** Spends the same time as verify() for a user that does not exist. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= this.hash('chitbox-dummy-password');
    await this.verify(password, await this.dummyHash);
    return false;
  }
}

export function passwordLengthProblem(password: string): string | null {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return `password must be at least ${PASSWORD_MIN_BYTES} bytes`;
  if (bytes > PASSWORD_MAX_BYTES) return `password must be at most ${PASSWORD_MAX_BYTES} bytes`;
  return null;
}
