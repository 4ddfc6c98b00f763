// RFC 5321 4.1.1.11 / 4.5.3: a MAIL FROM or RCPT TO parameter the server did
// not advertise gets 555 (smtp-server would otherwise accept it silently).
import { AppError } from '../shared/app-error.js';

/** MAIL FROM: SIZE, BODY (8BITMIME), SMTPUTF8, AUTH (RFC 4954 5), and REQUIRETLS where advertised (over TLS). */
export function mailParameters(secure: boolean): ReadonlySet<string> {
  return new Set(['SIZE', 'BODY', 'SMTPUTF8', 'AUTH', ...(secure ? ['REQUIRETLS'] : [])]);
}

/** RCPT TO: none (DSN is not advertised). */
export const RCPT_PARAMETERS: ReadonlySet<string> = new Set();

/** Throws unknown_parameter for the first parameter not in `allowed`. */
export function checkParameters(command: 'MAIL FROM' | 'RCPT TO', args: unknown, allowed: ReadonlySet<string>): void {
  if (!args || typeof args !== 'object') return;
  const unknown = Object.keys(args).find((key) => !allowed.has(key.toUpperCase()));
  if (unknown !== undefined) {
    throw new AppError('permFail', 'unknown_parameter', `${command} parameter ${unknown.slice(0, 40)} not recognised`);
  }
}
