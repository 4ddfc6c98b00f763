// smtp-server answers 501 5.1.3 to RCPT paths its parser refuses, before our
// onRcptTo hook runs. Several of those are relay tricks ("u@ext@local",
// "\"u@ext\"@local", "u@ext."), and a relay attempt must be refused as one:
// 550 5.7.1, the same as any other recipient we will not relay for (issue 4,
// CONTRACT.md "no open relay"). A path without an @ stays a syntax error.
import * as connectionModule from 'smtp-server/lib/smtp-connection.js';
import { permFail } from '../shared/app-error.js';
import { toSmtpError } from './smtp-replies.js';

type Handler = (this: Connection, command: Buffer | string, callback: () => void) => void;
interface Connection {
  session: { envelope: { mailFrom: unknown } };
  send(code: number, data: unknown, context?: unknown): void;
  _parseAddressCommand(name: string, command: unknown): { address?: string } | false;
}

const { SMTPConnection } = connectionModule as unknown as { SMTPConnection: { prototype: { handler_RCPT: Handler } } };
const PATCHED = Symbol.for('chitbox.relay-trick-replies');
const proto = SMTPConnection.prototype as { handler_RCPT: Handler; [PATCHED]?: true };

if (!proto[PATCHED]) {
  const original = proto.handler_RCPT;
  proto.handler_RCPT = function handler_RCPT(command, callback) {
    const parsed = this._parseAddressCommand('rcpt to', command);
    const path = /^RCPT\s+TO\s*:\s*<([^<>]*)>/i.exec(command.toString())?.[1];
    if ((!parsed || !parsed.address) && path?.includes('@') && this.session.envelope.mailFrom) {
      const err = toSmtpError(permFail('relay_denied', 'Relaying denied: not a local address'));
      this.send(err.responseCode, err.message);
      return callback();
    }
    return original.call(this, command, callback);
  };
  proto[PATCHED] = true;
}
