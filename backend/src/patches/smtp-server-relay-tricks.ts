// smtp-server answers 501 5.1.3 to RCPT paths its parser refuses, before our
// onRcptTo hook runs. Several of those are relay tricks ("u@ext@local",
// "\"u@ext\"@local", "u@ext."), and a relay attempt must be refused as one:
// 550 5.7.1, the same as any other recipient we will not relay for
// (CONTRACT.md, "no open relay"). A path without an @ stays a syntax error.
import * as connectionModule from 'smtp-server/lib/smtp-connection.js';
import { checkVersion, wrapMethod, type Patch } from './patch.js';

type Handler = (this: Connection, command: Buffer | string, callback: () => void) => void;
interface Connection {
  session: { envelope: { mailFrom: unknown } };
  send(code: number, data: unknown, context?: unknown): void;
  _parseAddressCommand(name: string, command: unknown): { address?: string } | false;
}

const { SMTPConnection } = connectionModule as unknown as { SMTPConnection: { prototype: { handler_RCPT: Handler } } };

/** The reply for a refused relay, from the SMTP adapter's one mapping (smtp-replies.ts). */
export interface RelayDeniedReply {
  code: number;
  message: string;
}

export function relayTricksPatch(reply: () => RelayDeniedReply): Patch {
  return {
    name: 'refuse unparseable relay paths as relaying (550 5.7.1)',
    library: 'smtp-server',
    version: '3.21.6',
    install() {
      checkVersion(this);
      return wrapMethod(SMTPConnection.prototype, 'handler_RCPT', (original) =>
        function handler_RCPT(command, callback) {
          const parsed = this._parseAddressCommand('rcpt to', command);
          const path = /^RCPT\s+TO\s*:\s*<([^<>]*)>/i.exec(command.toString())?.[1];
          if ((!parsed || !parsed.address) && path?.includes('@') && this.session.envelope.mailFrom) {
            const { code, message } = reply();
            this.send(code, message);
            return callback();
          }
          return original.call(this, command, callback);
        },
      );
    },
  };
}
