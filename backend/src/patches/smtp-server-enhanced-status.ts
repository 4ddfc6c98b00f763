// smtp-server derives the RFC 3463 enhanced status code from the basic reply
// code alone (every 550 becomes 5.1.1), but a relay refusal is 550 5.7.1 and
// an unknown user 550 5.1.1. Replies whose text already starts with an
// enhanced code keep it, instead of getting a second, wrong one.
import * as connectionModule from 'smtp-server/lib/smtp-connection.js';
import { checkVersion, wrapMethod, type Patch } from './patch.js';

type Send = (code: number, data: unknown, context?: unknown) => void;
const { SMTPConnection } = connectionModule as unknown as { SMTPConnection: { prototype: { send: Send } } };

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

export const enhancedStatusPatch: Patch = {
  name: 'keep the enhanced status code a reply already has',
  library: 'smtp-server',
  version: '3.21.6',
  install() {
    checkVersion(this);
    return wrapMethod(SMTPConnection.prototype, 'send', (original) =>
      function send(this: unknown, code, data, context) {
        return original.call(this, code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);
      },
    );
  },
};
