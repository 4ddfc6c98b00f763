// LOGIN and AUTHENTICATE PLAIN under SMTP AUTH's rules: cleartext only over
// TLS or from loopback (unless SMTP_ALLOW_INSECURE_AUTH), the same failure
// counting (the core's AuthGuard: the third failure ends the connection, an
// address failing too often is refused for a while), disabled accounts refused.
import type { IMAPServer, ImapConnection, ImapSession } from '@zone-eu/wildduck/imap-core/index.js';
import type { Config } from '../config/config.js';
import type { Core } from '../core/core.js';
import { isLoopbackAddress } from '../core/rate-limits.js';
import { isAppError } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';

interface Login {
  method: string;
  username: string;
  password: string;
  connection: ImapConnection;
}

type AuthReply = { response: 'NO'; code: string; message: string };
type AuthCallback = (err: (Error & Partial<AuthReply>) | null, result?: { user: { id: number; username: string } }) => void;

export function attachAuth(server: IMAPServer, config: Config, core: Pick<Core, 'imap'>, log: Logger): void {
  server.onAuth = (login: Login, session: ImapSession, callback: AuthCallback) => {
    const conn = login.connection;
    // LOGIN sends an error's own response code; AUTHENTICATE PLAIN answers NO [AUTHENTICATIONFAILED] to no user.
    const refuse = (code: string, message: string) => (login.method === 'LOGIN' ? callback(refusal(code, message)) : callback(null));
    if (!conn.secure && !isLoopbackAddress(session.remoteAddress) && !config.smtp.allowInsecureAuth) {
      // RFC 3501 6.2.3 / RFC 5530: no cleartext password outside TLS.
      return refuse('PRIVACYREQUIRED', 'Run STARTTLS first');
    }
    core.imap
      .authenticate(login.username, login.password, { id: conn.id, remoteAddress: session.remoteAddress })
      .then((user) => callback(null, { user: { id: user.id, username: user.email } }))
      .catch((err: unknown) => {
        if (!isAppError(err)) {
          log.error({ err }, 'imap: authentication failed unexpectedly');
          return refuse('UNAVAILABLE', 'Try again later');
        }
        if (err.code === 'auth_locked') setImmediate(() => conn.close());
        const code = err.kind === 'rateLimited' ? 'UNAVAILABLE' : 'AUTHENTICATIONFAILED';
        refuse(code, err.message);
      });
  };
}

/** imap-core sends an error carrying `response` as the tagged reply (RFC 5530 response codes). */
function refusal(code: string, message: string): Error & AuthReply {
  return Object.assign(new Error(message), { response: 'NO' as const, code, message });
}
