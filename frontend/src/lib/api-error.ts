// Every failed API call becomes one ApiError: the server's {error:{code,message}}
// when it sent one, otherwise a code we make up from the status so callers can
// always branch on `kind`/`code` and always have a human message to show.

export type ApiErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'tooLarge'
  | 'unprocessable'
  | 'rateLimited'
  | 'server'
  | 'network';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    readonly code: string,
    message: string,
    /** 0 when the request never got an HTTP answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export function kindForStatus(status: number): ApiErrorKind {
  switch (status) {
    case 400: return 'invalid';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'notFound';
    case 409: return 'conflict';
    case 413: return 'tooLarge';
    case 422: return 'unprocessable';
    case 429: return 'rateLimited';
    default: return status >= 400 && status < 500 ? 'invalid' : 'server';
  }
}

const fallbackMessages: Record<ApiErrorKind, string> = {
  invalid: 'The request was not accepted.',
  unauthorized: 'Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  notFound: 'That item no longer exists.',
  conflict: 'That conflicts with something that already exists.',
  tooLarge: 'That is too large.',
  unprocessable: 'The server could not process that.',
  rateLimited: 'Too many requests, please wait a moment.',
  server: 'The server had a problem. Please try again.',
  network: 'Cannot reach the server. Check your connection.',
};

/** Builds the ApiError for a non-2xx response from its (maybe absent) JSON body. */
export function apiErrorFromResponse(status: number, body: unknown): ApiError {
  const kind = kindForStatus(status);
  const err = isErrorBody(body) ? body.error : undefined;
  return new ApiError(kind, err?.code ?? `http_${status}`, err?.message || fallbackMessages[kind], status);
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError('network', 'network_error', fallbackMessages.network, 0);
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** A user-facing sentence for anything thrown by an api call or by our own code. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (!body || typeof body !== 'object' || !('error' in body)) return false;
  const e = (body as { error: unknown }).error;
  return !!e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string';
}
