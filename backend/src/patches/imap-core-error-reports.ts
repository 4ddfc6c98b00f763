// imap-core reports connection and server errors through WildDuck's Gelf
// hook (lib/errors.js), which with no Gelf server configured prints each one
// to stderr with npmlog, a multi-line dump outside ChitBox's log. The hook
// gets ChitBox's logger instead.
import { createRequire } from 'node:module';
import { checkVersion, wrapMethod, type Patch } from './patch.js';

const require = createRequire(import.meta.url);
const LIBRARY = '@zone-eu/wildduck';

/** What the hook is given: a Gelf message (short_message, _error, _code, ...). */
export type ImapErrorReport = (message: Record<string, unknown>) => void;

interface GelfHolder {
  gelf: { handler: { emit(channel: string, message: Record<string, unknown>): void } };
}

export function errorReportsPatch(report: ImapErrorReport): Patch {
  return {
    name: "imap-core's error reports to ChitBox's logger",
    library: LIBRARY,
    version: '1.51.1',
    install() {
      checkVersion(this);
      const errors = require(`${LIBRARY}/lib/errors.js`) as GelfHolder;
      return wrapMethod(errors.gelf, 'handler', () => ({ emit: (_channel: string, message: Record<string, unknown>) => report(message) }));
    },
  };
}
