// Who is calling the admin API: a Bearer JWT (as everywhere) or HTTP Basic
// with the account's email and password, so `curl -u admin@x:pw` works.
// requireAdmin answers 401 without credentials and 403 for a non-admin.
import type { Request, RequestHandler } from 'express';
import type { Core } from '../core/core.js';
import { forbidden, unauthorized } from '../shared/app-error.js';
import type { UserRecord } from '../core/model.js';

const CALLER = Symbol('chitbox.caller');

export function requireCaller(core: Pick<Core, 'accounts'>): RequestHandler {
  return (req, res, next) => {
    identify(core, req.headers.authorization ?? '')
      .then((user) => {
        if (!user) {
          res.setHeader('WWW-Authenticate', 'Basic realm="ChitBox admin", charset="UTF-8"');
          return next(unauthorized('invalid_credentials', 'sign in: Bearer token or HTTP Basic email:password'));
        }
        (req as Request & { [CALLER]?: UserRecord })[CALLER] = user;
        next();
      })
      .catch(next);
  };
}

export function requireAdmin(core: Pick<Core, 'admin'>): RequestHandler {
  return (req, _res, next) => {
    next(core.admin.isAdmin(caller(req)) ? undefined : forbidden('admin_required', 'this needs an admin account'));
  };
}

export function caller(req: Request): UserRecord {
  const user = (req as Request & { [CALLER]?: UserRecord })[CALLER];
  if (!user) throw unauthorized('invalid_credentials', 'sign in first');
  return user;
}

async function identify(core: Pick<Core, 'accounts'>, header: string): Promise<UserRecord | null> {
  const bearer = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (bearer) return core.accounts.authenticateToken(bearer[1]!);
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = await core.accounts.verifyCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
  return user && user.enabled ? user : null;
}
