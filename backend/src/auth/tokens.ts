// JWT access tokens: HS256 only (algorithms pinned, so alg:none and key
// confusion are refused), with issuer, audience and expiry checked.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TokenClaims {
  userId: number;
  /** the account's token version when issued (tokens from before versions count as 0) */
  version: number;
}

export interface TokenOptions {
  secret: string;
  expiresIn: string;
  issuer: string;
  audience: string;
}

export class TokenService {
  /**
   * The secret as a key object, made once: given a string, jsonwebtoken tries
   * it as a PEM public key first on every verify and catches the failure,
   * which cost more than the rest of a small request.
   */
  private readonly key: KeyObject;

  constructor(private readonly opts: TokenOptions) {
    this.key = createSecretKey(Buffer.from(opts.secret));
  }

  issue(claims: TokenClaims): string {
    return jwt.sign({ ver: claims.version }, this.key, {
      algorithm: 'HS256',
      subject: String(claims.userId),
      expiresIn: asExpiry(this.opts.expiresIn),
      issuer: this.opts.issuer,
      audience: this.opts.audience,
    });
  }

  /** Returns the claims, or null for any token that is not valid right now. */
  verify(token: string): TokenClaims | null {
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
      });
      if (typeof payload === 'string' || !payload.sub || !/^\d+$/.test(payload.sub)) return null;
      const version = payload.ver === undefined ? 0 : payload.ver;
      if (!Number.isSafeInteger(version) || version < 0) return null;
      return { userId: Number(payload.sub), version };
    } catch {
      return null;
    }
  }
}

function asExpiry(value: string): number | jwt.SignOptions['expiresIn'] {
  return /^\d+$/.test(value) ? Number(value) : (value as jwt.SignOptions['expiresIn']);
}
