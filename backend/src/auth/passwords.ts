// bcrypt password hashing. bcrypt reads at most 72 bytes, so longer passwords
// are refused rather than silently truncated.
import bcrypt from 'bcrypt';

export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 72;

export class PasswordHasher {
  /** a real hash to compare against for unknown users, so timing says nothing */
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the same time as verify() for a user that does not exist. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('chitbox-dummy-password', this.cost);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}

export function passwordLengthProblem(password: string): string | null {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return `password must be at least ${PASSWORD_MIN_BYTES} bytes`;
  if (bytes > PASSWORD_MAX_BYTES) return `password must be at most ${PASSWORD_MAX_BYTES} bytes`;
  return null;
}
