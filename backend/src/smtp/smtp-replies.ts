// The one place where failures become SMTP replies (STYLE.md practice 3).
// smtp-server reads err.responseCode; nothing else in ChitBox sets it.
import { isAppError, permFail, type AppError } from '../shared/app-error.js';

interface Reply {
  code: number;
  enhanced: string;
}

// By error code first: the domain names the failure, RFC 3463 names the status.
const BY_CODE: Record<string, Reply> = {
  unknown_user: { code: 550, enhanced: '5.1.1' },
  relay_denied: { code: 550, enhanced: '5.7.1' },
  relay_not_configured: { code: 550, enhanced: '5.7.1' },
  too_many_recipients: { code: 452, enhanced: '4.5.3' },
  message_too_large: { code: 552, enhanced: '5.3.4' },
  quota_exceeded: { code: 552, enhanced: '5.2.2' },
  user_disabled: { code: 550, enhanced: '5.2.1' },
  auth_failed: { code: 535, enhanced: '5.7.8' },
  auth_locked: { code: 421, enhanced: '4.7.0' },
  auth_rate_limited: { code: 454, enhanced: '4.7.0' },
  auth_insecure: { code: 538, enhanced: '5.7.11' },
  // RFC 4954 4: AUTH is not permitted during a mail transaction.
  auth_in_transaction: { code: 503, enhanced: '5.5.1' },
  sender_not_owned: { code: 553, enhanced: '5.7.1' },
  no_recipients: { code: 554, enhanced: '5.5.1' },
  rate_limited_connections: { code: 421, enhanced: '4.7.0' },
  too_many_connections: { code: 421, enhanced: '4.7.0' },
  // RFC 5321 4.1.1.11 / 4.5.3: a MAIL or RCPT parameter we did not advertise.
  unknown_parameter: { code: 555, enhanced: '5.5.4' },
  rate_limited_messages: { code: 451, enhanced: '4.7.1' },
  // Content scanning: RFC 3463 X.7.1 "delivery not authorized, message refused".
  virus_found: { code: 554, enhanced: '5.7.1' },
  spam_rejected: { code: 550, enhanced: '5.7.1' },
  scanner_unavailable: { code: 451, enhanced: '4.3.0' },
};

const BY_KIND: Record<AppError['kind'], Reply> = {
  invalid: { code: 501, enhanced: '5.5.4' },
  unauthorized: { code: 530, enhanced: '5.7.0' },
  forbidden: { code: 550, enhanced: '5.7.1' },
  notFound: { code: 550, enhanced: '5.1.1' },
  conflict: { code: 451, enhanced: '4.3.0' },
  tooLarge: { code: 552, enhanced: '5.3.4' },
  rateLimited: { code: 451, enhanced: '4.7.1' },
  tempFail: { code: 451, enhanced: '4.3.0' },
  permFail: { code: 554, enhanced: '5.7.1' },
};

export interface SmtpReplyError extends Error {
  responseCode: number;
}

/** The reply to a recipient we will not relay for, also where smtp-server's own parser refuses the path (patches/). */
export function relayDeniedReply(): { code: number; message: string } {
  const err = toSmtpError(permFail('relay_denied', 'Relaying denied: not a local address'));
  return { code: err.responseCode, message: err.message };
}

/** Turns any error into the Error smtp-server expects; unknown ones are 451 4.3.0 with no detail. */
export function toSmtpError(err: unknown): SmtpReplyError {
  if (!isAppError(err)) {
    return Object.assign(new Error('4.3.0 Temporary local problem, please try again later'), { responseCode: 451 });
  }
  const reply = BY_CODE[err.code] ?? BY_KIND[err.kind];
  return Object.assign(new Error(`${reply.enhanced} ${err.message}`), { responseCode: reply.code });
}
