// RFC 5321 4.4: the trace field a receiving server prepends to every message.
export interface TraceInfo {
  /** the client's EHLO/HELO name */
  helo: string;
  remoteAddress: string;
  remoteHostname?: string | null;
  /** our own host name */
  hostname: string;
  /** ESMTP, ESMTPS, ESMTPA or ESMTPSA (RFC 3848) */
  protocol: string;
  sessionId: string;
  /**
   * The envelope sender (MAIL FROM), '' for the null reverse-path. Shown as
   * the sender when the message itself has no From header.
   */
  mailFrom?: string;
}

/** Keeps header text printable ASCII so a hostile HELO cannot inject lines. */
const clean = (s: string): string => s.replace(/[^\x21-\x7e]/g, '?').slice(0, 255) || 'unknown';

/**
 * A message whose first line starts with white space would fold that line
 * into our Received: and so forge our trace. `folded`: the message does; the
 * field after ours then takes the line as its value instead (the message's
 * own bytes stay as they came).
 */
export const FOLDED_START_FIELD = 'X-ChitBox-Folded-Start:';

export function buildReceivedHeader(t: TraceInfo, recipient: string, at: Date, folded = false): string {
  const from = `from ${clean(t.helo)} (${clean(t.remoteHostname ?? 'unknown')} [${clean(t.remoteAddress)}])`;
  return (
    `Received: ${from}\r\n` +
    `\tby ${clean(t.hostname)} (ChitBox) with ${clean(t.protocol)} id ${clean(t.sessionId)}\r\n` +
    `\tfor <${clean(recipient)}>; ${at.toUTCString().replace('GMT', '+0000')}\r\n` +
    (folded ? FOLDED_START_FIELD : '')
  );
}
