// The one way a scanner fails: a temporary failure naming the scanner and the
// reason. The SMTP adapter answers it with 451 4.3.0 so the sender retries;
// an enabled scanner that cannot answer never lets mail through unscanned.
// The peer sees a generic text; the details are for our logs and metrics.
import { AppError, isAppError } from '../shared/app-error.js';
import type { ScannerName } from './scan-verdict.js';

export type ScannerFailureReason =
  /** no connection within the connect deadline, or refused */
  | 'connect'
  /** connected, but no complete answer within the deadline */
  | 'timeout'
  /** the connection broke before a complete answer */
  | 'reset'
  /** an answer we cannot read */
  | 'protocol'
  /** the daemon answered with an error (size limit, bad request, TELL not allowed) */
  | 'daemon_error'
  /** our caller gave up (the SMTP session went away) */
  | 'aborted';

export const SCANNER_UNAVAILABLE = 'scanner_unavailable';

export interface ScannerFailureDetails {
  scanner: ScannerName;
  reason: ScannerFailureReason;
  /** what went wrong, in words, for the log */
  detail: string;
}

export function scannerFailure(scanner: ScannerName, reason: ScannerFailureReason, detail: string): AppError {
  const details: ScannerFailureDetails = { scanner, reason, detail };
  return new AppError('tempFail', SCANNER_UNAVAILABLE, 'Message could not be scanned, try again later', { ...details });
}

/** The scanner, reason and detail of a scanner failure; null for any other error. */
export function scannerFailureOf(err: unknown): ScannerFailureDetails | null {
  if (!isAppError(err) || err.code !== SCANNER_UNAVAILABLE || !err.details) return null;
  return err.details as unknown as ScannerFailureDetails;
}
