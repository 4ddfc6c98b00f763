// AppError to IMAP response codes, in one place (RFC 5530; TRYCREATE and
// the rest from RFC 3501). imap-core sends a handler's string result as
// `NO [CODE]`; anything unknown becomes its `NO [TEMPFAIL]`, with no detail.
import { isAppError } from '../shared/app-error.js';

const BY_CODE: Record<string, string> = {
  not_found: 'NONEXISTENT',
  folder_exists: 'ALREADYEXISTS',
  system_folder: 'CANNOT',
  folder_has_children: 'CANNOT',
  invalid_folder_name: 'CANNOT',
  trycreate: 'TRYCREATE',
  quota_exceeded: 'OVERQUOTA',
  mailbox_full: 'OVERQUOTA',
};

const BY_KIND: Record<string, string> = {
  invalid: 'CANNOT', notFound: 'NONEXISTENT', conflict: 'CANNOT', tooLarge: 'LIMIT', forbidden: 'NOPERM', permFail: 'CANNOT',
};

/** The response code for a refusal the user can act on; null for a failure of ours. */
export function imapCodeOf(err: unknown): string | null {
  if (!isAppError(err)) return null;
  return BY_CODE[err.code] ?? BY_KIND[err.kind] ?? null;
}

type Done<T> = (err: Error | null, result?: T | string, info?: unknown) => void;

/** Runs a handler's work and answers imap-core's callback: the result, a NO [CODE], or an error (TEMPFAIL). */
export function reply<T>(work: Promise<T>, done: Done<T>): void {
  work.then(
    (value) => done(null, value),
    (err: unknown) => {
      const code = imapCodeOf(err);
      if (code) done(null, code);
      else done(err instanceof Error ? err : new Error(String(err)));
    },
  );
}

/** For handlers whose success is `true` plus details (COPYUID, APPENDUID, MODIFIED). */
export function replyWith<T extends object>(work: Promise<T>, done: Done<T>): void {
  reply<T | string>(work, (err, result) => (typeof result === 'object' && result !== null ? done(null, true as never, result) : done(err, result)));
}
