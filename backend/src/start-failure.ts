// What a person reads when ChitBox cannot start: one line that names the
// setting to change, not a raw EADDRINUSE stack. `npm run dev` watches for
// the "ChitBox cannot start" prefix (scripts/dev/api.mjs) to stop the inbox too.
import type { Config } from './config/config.js';
import { PatchVersionError } from './patches/index.js';

export const START_FAILURE_PREFIX = 'ChitBox cannot start:';

type ListenError = NodeJS.ErrnoException & { port?: number };

export function startFailureMessage(err: unknown, config: Pick<Config, 'http' | 'smtp' | 'imap' | 'frontendPort'>): string {
  // A library of another version than a patch was written for: its message names both.
  if (err instanceof PatchVersionError) return `${START_FAILURE_PREFIX} ${err.message}`;
  const e = err as ListenError;
  if (e?.syscall === 'listen' && (e.code === 'EADDRINUSE' || e.code === 'EACCES')) {
    const setting = settingForPort(e.port, config);
    const change = setting ? `set ${setting} to another port` : 'set PORT, SMTP_SERVER_PORT, IMAP_PORT or FRONTEND_PORT to another port';
    if (e.code === 'EACCES') {
      return `${START_FAILURE_PREFIX} port ${e.port} needs privileges this process does not have; ${change} (above 1023).`;
    }
    return `${START_FAILURE_PREFIX} port ${e.port}${setting ? ` (${setting})` : ''} is already in use. ChitBox may already be running: stop it, or ${change}.`;
  }
  return `${START_FAILURE_PREFIX} ${e instanceof Error ? (e.stack ?? e.message) : String(err)}`;
}

/** The listen order is SMTP, IMAP, API, inbox: the first setting with that port is the one that failed. */
function settingForPort(port: number | undefined, config: Pick<Config, 'http' | 'smtp' | 'imap' | 'frontendPort'>): string | null {
  if (port === undefined) return null;
  if (port === config.smtp.port) return 'SMTP_SERVER_PORT';
  if (port === config.imap?.port) return 'IMAP_PORT';
  if (port === config.http.port) return 'PORT';
  if (port === config.frontendPort) return 'FRONTEND_PORT';
  return null;
}
