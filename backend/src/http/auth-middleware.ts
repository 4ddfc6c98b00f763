// Bearer-token authentication for the API. A missing, malformed, expired or
// foreign token is 401; the user id then scopes every query.
import type { RequestHandler, Request } from 'express';
import type { Core } from '../core/core.js';
import { unauthorized } from '../shared/app-error.js';
import type { UserRecord } from '../core/model.js';

const USER = Symbol('chitbox.user');

export function requireUser(core: Pick<Core, 'accounts'>): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!m) return next(unauthorized('missing_token', 'sign in first: Authorization: Bearer <token>'));
    core.accounts
      .authenticateToken(m[1]!)
      .then((user) => {
        if (!user) return next(unauthorized('invalid_token', 'the token is invalid or expired'));
        (req as Request & { [USER]?: UserRecord })[USER] = user;
        next();
      })
      .catch(next);
  };
}

export function currentUser(req: Request): UserRecord {
  const user = (req as Request & { [USER]?: UserRecord })[USER];
  if (!user) throw unauthorized('missing_token', 'sign in first');
  return user;
}
