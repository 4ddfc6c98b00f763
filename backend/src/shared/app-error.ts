// One error family for the whole backend (STYLE.md practice 3). The domain says
// what kind of failure it is; the SMTP and HTTP adapters each map kinds to
// their own reply codes in exactly one place.

export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'tooLarge'
  | 'rateLimited'
  | 'tempFail'
  | 'permFail';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('invalid', code, message, details);
export const unauthorized = (code: string, message: string) => new AppError('unauthorized', code, message);
export const forbidden = (code: string, message: string) => new AppError('forbidden', code, message);
export const notFound = (what: string) => new AppError('notFound', 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new AppError('conflict', code, message);
export const tooLarge = (code: string, message: string) => new AppError('tooLarge', code, message);
export const tempFail = (code: string, message: string) => new AppError('tempFail', code, message);
export const permFail = (code: string, message: string) => new AppError('permFail', code, message);

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
