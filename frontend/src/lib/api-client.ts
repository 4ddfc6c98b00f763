// The one HTTP client of the inbox. It adds the bearer token, turns the
// contract's {error:{code,message}} into ApiError, on a 401 from an
// authenticated call tells the session to go back to sign-in (STYLE.md 13),
// and retries reads while the server restarts (retry-policy.ts).
import { ApiError, apiErrorFromResponse, networkError } from './api-error';
import { isRetriableMethod, isRetriableStatus, retryDelay, RETRY_DELAYS_MS } from './retry-policy';

export interface RequestOptions {
  /** Send the bearer token and treat 401 as "session over". Default true. */
  auth?: boolean;
  signal?: AbortSignal;
  /** Retry while the server is unreachable or restarting. Default: true for reads, never for writes. */
  retry?: boolean;
}

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T>;
  delete(path: string, options?: RequestOptions): Promise<void>;
  /** Binary download (attachments need the bearer header, so no plain <a href>). */
  getBlob(path: string, options?: RequestOptions): Promise<Blob>;
}

export interface ApiClientDeps {
  baseUrl: string;
  getToken: () => string | null;
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  /** Told when a request starts and stops waiting for the server (for a "waiting" notice). */
  onWaiting?: { begin(): void; end(): void };
  /** Tests pass their own delays and clock. */
  retryDelays?: readonly number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function createApiClient(deps: ApiClientDeps): ApiClient {
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));

  const sleep = deps.sleep ?? sleepFor;
  const delays = deps.retryDelays ?? RETRY_DELAYS_MS;

  async function send(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    if (!(options.retry ?? isRetriableMethod(method))) return sendOnce(method, path, body, options);
    let waiting = false;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await sendOnce(method, path, body, options);
        } catch (error) {
          const delay = error instanceof ApiError && isRetriableStatus(error.status) ? retryDelay(attempt, delays) : null;
          if (delay === null) throw error;
          if (!waiting) deps.onWaiting?.begin();
          waiting = true;
          await sleep(delay, options.signal);
        }
      }
    } finally {
      if (waiting) deps.onWaiting?.end();
    }
  }

  async function sendOnce(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    const useAuth = options.auth ?? true;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = useAuth ? deps.getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body; // the browser sets the multipart boundary
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await doFetch(deps.baseUrl + path, { method, headers, body: payload, signal: options.signal });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw networkError(cause);
    }
    if (response.ok) return response;
    const errorBody = await response.json().catch(() => undefined);
    const error = apiErrorFromResponse(response.status, errorBody);
    if (error.kind === 'unauthorized' && useAuth) deps.onUnauthorized();
    throw error;
  }

  async function json<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError('server', 'bad_response', 'The server sent an unreadable answer.', response.status);
    }
  }

  return {
    get: async (path, options = {}) => json(await send('GET', path, undefined, options)),
    post: async (path, body, options = {}) => json(await send('POST', path, body, options)),
    patch: async (path, body, options = {}) => json(await send('PATCH', path, body, options)),
    delete: async (path, options = {}) => {
      await send('DELETE', path, undefined, options);
    },
    getBlob: async (path, options = {}) => (await send('GET', path, undefined, options)).blob(),
  };
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
